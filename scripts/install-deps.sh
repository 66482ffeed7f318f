#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs everything ClipFind needs to build, test and run on Debian 12 (all from Debian's archive).
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-qpa-plugins          # Qt 6 Widgets/Concurrent/Test + the xcb/offscreen platform plugins
    qt6-tools-dev qt6-l10n-tools          # Qt Linguist's lupdate/lrelease: translations/*.ts compiled at build time
    qt6-translations-l10n                 # Qt's own texts (standard buttons, dialogs) in the interface's language
    fonts-wqy-microhei                    # a Chinese font, for the Chinese interface and queries (docs/screenshot-zh.png)
    libtorch-dev                          # libtorch 1.13 (CPU)
    libopenblas0-openmp                   # fast BLAS for libtorch's matrix products, sharing its OpenMP runtime
    libopencv-dev                         # image decoding
    libicu-dev zlib1g-dev                 # tokenizer: Unicode data, gzip vocabulary
    libsqlite3-dev                        # library database
    libheif-dev                           # HEIF/HEIC and AVIF: libde265, dav1d (decoders), x265, aom (tests encode)
    libraw-dev                            # camera RAW (DNG, CR2, CR3, NEF, ARW, RAF, ORF, RW2)
    nlohmann-json3-dev                    # JSON in the engine (header-only)
    libturbojpeg0-dev                     # the engine's own JPEG decode (clipfind-engine index-bench)
    appstream desktop-file-utils          # tests validate the AppStream metadata and the desktop file
    clang-format-14                       # scripts/test.sh checks the formatting (scripts/format.sh --check)
    clang-14 libfuzzer-14-dev libomp-14-dev # scripts/hostile-check.sh: fuzzers, ASan + UBSan (OpenMP for clang)
    python3                               # scripts/fuzz.sh seeds its corpora from tests/data
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all packages present"
    exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
