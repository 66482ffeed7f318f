#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds ClipFind (Release) into ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
# Two parallel jobs: libtorch translation units take ~1.5 GB of memory each.
cmake --build build --parallel "${CLIPFIND_BUILD_JOBS:-$(nproc)}"
