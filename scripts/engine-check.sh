#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Qt-free CLIP engine on its own (CLIPFIND_ENGINE_ONLY=ON, as the GPU machine builds it) into
# build-engine and runs its fixture check (ctest label engine: clipfind-engine check --fixtures tests/data on the
# CPU), so a Qt or OpenCV include in core/clip, or a CMake change that needs Qt there, fails here and not first on
# the GPU machine. Only clipfind-engine is built; ccache is used when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build-engine -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLIPFIND_ENGINE_ONLY=ON "${launcher[@]}" >/dev/null
cmake --build build-engine --target clipfind-engine --parallel "${CLIPFIND_BUILD_JOBS:-$(nproc)}"
ctest --test-dir build-engine --output-on-failure -L engine
