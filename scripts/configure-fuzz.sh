#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures the clang-14 build of issue 11 (CLIPFIND_FUZZ=ON: libFuzzer coverage, AddressSanitizer and
# UndefinedBehaviorSanitizer on ClipFind's own code) in the folder given, default build-fuzz. Shared by
# scripts/fuzz.sh and scripts/hostile-check.sh so both build the same objects.
#
# -O1 and line tables only (cmake/ClipFindFuzz.cmake): what the sanitizers need for fast checks and file:line stacks,
# at a fraction of the compile time of -O2 -g on libtorch's headers; asserts stay on (no NDEBUG).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
shift || true
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE=-O1 -DCMAKE_C_FLAGS_SANITIZE=-O1 \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DCLIPFIND_FUZZ=ON "${launcher[@]}" "$@"
