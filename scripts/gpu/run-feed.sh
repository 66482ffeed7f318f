#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# GPU machine: the indexer's GPU side fed by producer threads (CropBatcher: pinned buffers, asynchronous upload,
# normalization on the device, fp16 forward) with synthetic 224x224 crops. Usage there: bash scripts/gpu/run-feed.sh OUTDIR
set -uo pipefail
out=${1:-/tmp/clipfind-gpu}
mkdir -p "$out"
cd "$(dirname "$0")/../.."
if [ ! -x build-gpu/core/clip/clipfind-engine ]; then
    prefix=$(python3 -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
    gen=""; command -v ninja >/dev/null && gen="-G Ninja"
    cmake -S . -B build-gpu $gen -DCLIPFIND_ENGINE_ONLY=ON -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$prefix" -DCLIPFIND_NLOHMANN_INCLUDE_DIR="$PWD/.nlohmann" > "$out/cmake-feed.txt" 2>&1 \
        || { tail -40 "$out/cmake-feed.txt"; exit 1; }
    cmake --build build-gpu --parallel 16 --target clipfind-engine > "$out/build-feed.txt" 2>&1 \
        || { grep -m20 -B2 -A8 error "$out/build-feed.txt"; exit 1; }
fi
engine=build-gpu/core/clip/clipfind-engine
{
for config in "512 8" "1024 8" "1024 14"; do
    set -- $config
    echo "== feed ViT-B/32 cuda fp16, batch $1, $2 producers"
    $engine feed --arch ViT-B/32 --device cuda --batch "$1" --producers "$2" --images 200000
done
} 2>&1 | tee "$out/feed.txt"
