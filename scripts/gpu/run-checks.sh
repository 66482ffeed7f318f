#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# GPU machine check (see README "GPU"): builds the Qt-free engine against the pip PyTorch's libtorch, checks the
# fixtures on CUDA (fp16, bf16, fp32) and benchmarks ViT-B/32 next to the Hugging Face baseline, then search latency
# at 10k/100k/1M rows (bench-search), in one run.
# Usage there: bash scripts/gpu/run-checks.sh OUTDIR
# The JSON headers come from .nlohmann/ (the machine has no nlohmann package): run scripts/gpu/vendor-nlohmann.sh here
# first and carry .nlohmann with the tree.
set -uo pipefail
out=${1:-/tmp/clipfind-gpu}
mkdir -p "$out"
exec > >(tee "$out/log.txt") 2>&1
cd "$(dirname "$0")/../.."

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
prefix=$(python3 -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
gen=""; command -v ninja >/dev/null && gen="-G Ninja"
if [ ! -f .nlohmann/nlohmann/json.hpp ]; then
    echo "no .nlohmann/nlohmann/json.hpp: run scripts/gpu/vendor-nlohmann.sh and carry .nlohmann"
    exit 1
fi
time cmake -S . -B build-gpu $gen -DCLIPFIND_ENGINE_ONLY=ON -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CUDA_ARCHITECTURES=90 -DCLIPFIND_NLOHMANN_INCLUDE_DIR="$PWD/.nlohmann" \
    > "$out/cmake.txt" 2>&1 || { tail -40 "$out/cmake.txt"; exit 1; }
time cmake --build build-gpu --parallel 16 --target clipfind-engine > "$out/build.txt" 2>&1 || { grep -m20 -B2 -A8 error "$out/build.txt"; exit 1; }
engine=build-gpu/core/clip/clipfind-engine

{
for p in auto bfloat16 float32; do
    for k in fast reference; do
        echo "== check cuda $p $k"
        $engine check --fixtures tests/data --device cuda --precision $p --kernels $k
    done
done
echo "== check cpu float32"
$engine check --fixtures tests/data --device cpu
} | tee "$out/checks.txt"

{
echo "== bench ViT-B/32 cuda fp16, fast kernels (default)"
$engine bench --arch ViT-B/32 --device cuda --batches 1,8,32,256,512,1024,2048 --seconds 2 --json
echo "== bench ViT-B/32 cuda fp16, reference kernels"
$engine bench --arch ViT-B/32 --device cuda --batches 256,1024 --seconds 2 --json --kernels reference
} | tee "$out/bench-engine.txt"
{
echo "== bench-search ViT-B/32 cuda: fp16 rows on the device, mv + topk + fp32 rescoring (synthetic rows, fixed token ids)"
$engine bench-search --arch ViT-B/32 --device cuda --json
echo "== bench-search ViT-B/32 cpu: int8 scan + exact rescoring, next to fp32 torch mv + topk"
$engine bench-search --arch ViT-B/32 --device cpu --json
} | tee "$out/bench-search.txt"
echo "== baseline: Hugging Face CLIPModel fp16"
timeout 240 python3 scripts/gpu/hf_baseline.py | tee "$out/bench-hf.json"

bash scripts/gpu/run-feed.sh "$out"
echo "== done"
