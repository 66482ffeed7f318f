#!/bin/bash
# SPDX-License-Identifier: MIT
# Collects a set of real photographs (not generated, not artwork) from Debian packages into one folder, for
# `clipfind-cli bench-index --folder DIR` (issue 14: throughput on real photographs). Installs the packages with apt
# when they are missing. Usage: scripts/real-photos.sh DIR
#
# Why these files: they are camera photographs (most carry their camera's EXIF: Canon EOS, Olympus E-M1, Sony NEX,
# Nokia, Konica Minolta) shipped as wallpapers, 2.6 to 20 megapixels, plus scikit-image's classic test photographs
# (astronaut, cat, coffee, motorcycle, rocket, 0.1 to 0.4 megapixels). Wallpapers that are drawings or renders are
# left out; of the plasma wallpapers, which ship the same picture under many names, one file per picture is taken.
set -euo pipefail
dest=${1:?usage: scripts/real-photos.sh DIR}
packages=(python3-skimage plasma-workspace-wallpapers ukui-wallpapers mate-backgrounds lomiri-wallpapers)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

mkdir -p "$dest"
backgrounds=/usr/share/backgrounds
photos=(
    "$backgrounds"/Bridge_by_Sander_Klootwijk.jpg "$backgrounds"/Dragonfly_by_Bolly.jpg
    "$backgrounds"/Kleiber_by_Lukas_Baubkus.jpg "$backgrounds"/Wine_by_Jakkub_Mede.jpg
    "$backgrounds"/aitzgorri_by_Aitzol_Berasategi.jpg "$backgrounds"/friends_by_Aitzol_Berasategi.jpg
    "$backgrounds"/life_by_Aitzol_Berasategi.jpg "$backgrounds"/picosdeeuropa_by_Aitzol_Berasategi.jpg
    "$backgrounds"/sunset_by_Aitzol_Berasategi.jpg "$backgrounds"/seeding_by_Clements_Engelhardt.jpg
    "$backgrounds"/umang_by_Abhishek_Mudgal.jpg
    "$backgrounds"/mate/nature/*.jpg
)
for name in Autumn BytheWater ColdRipple ColorfulCups DarkestHour EveningGlow FallenLeaf Kite OneStandsOut Path \
    summer_1am; do
    photos+=("/usr/share/wallpapers/$name/contents/images/2560x1600.jpg")
done
skimage=/usr/lib/python3/dist-packages/skimage/data
photos+=("$skimage"/astronaut.png "$skimage"/chelsea.png "$skimage"/coffee.png "$skimage"/motorcycle_left.png
    "$skimage"/rocket.jpg)

count=0
for f in "${photos[@]}"; do
    [[ -f $f ]] || { echo "missing: $f" >&2; exit 1; }
    # Flat names: the folder is indexed non-recursively like the seed loop sees it.
    base=$(basename "$(dirname "$(dirname "$(dirname "$f")")")")
    case $f in
        /usr/share/wallpapers/*) target="$dest/plasma-$base.jpg" ;;
        *) target="$dest/$(basename "$f")" ;;
    esac
    cp -f "$f" "$target"
    count=$((count + 1))
done
echo "$count real photographs in $dest ($(du -sh "$dest" | cut -f1))"
