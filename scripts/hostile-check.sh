#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 11 in CI (scripts/test.sh calls it): one clang build with AddressSanitizer + UndefinedBehaviorSanitizer and
# libFuzzer coverage (build-fuzz, CLIPFIND_FUZZ=ON, -O1 with line tables) runs the parsers' and the Qt-free engine's
# tests and the engine's fixture check under the sanitizers, then each fuzz target for CLIPFIND_FUZZ_SECONDS (default
# 20) on its corpus seeded from tests/data. Cold, on CI's 2 cores: about 17 CPU-minutes of compiling (measured
# 2026-12-01: 892 s of CPU for 23 targets, 126 s more for the other 8), so it adds about 12 minutes to
# scripts/test.sh with the tests and the fuzz runs.
# Longer runs: bash scripts/fuzz.sh --seconds N [TARGET...]. The whole suite under the sanitizers: build every target
# in the same folder and run ctest there (README, Security).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CLIPFIND_FUZZ_BUILD:-build-fuzz}
seconds=${CLIPFIND_FUZZ_SECONDS:-20}
# The readers of untrusted bytes (model files, JSON, NPY, photos, EXIF, text, queries, files) and the engine's tests.
tests=(jsontest npytest safetensorstest torchscriptarchivetest checkpointtest lazyloadtest halftest skinnylineartest
       textpasstest pillowresizetest embeddingmatrixtest nearpairstest cropbatchertest enginejpegpathtest
       bertclipmodeltest chineseclipimagetest tokenizertest wordpiecetokenizertest searchquerytest exifreadertest
       exifdatetest imagepreprocessortest jpegfastpathtest hostileimagetest regularfiletest memorybudgettest)

bash scripts/configure-fuzz.sh "$build" -DBUILD_TESTING=ON >/dev/null
cmake --build "$build" --parallel "${CLIPFIND_BUILD_JOBS:-$(nproc)}" \
    --target fuzz_checkpoint fuzz_image fuzz_text fuzz_formats clipfind-engine "${tests[@]}"

pattern="^($(IFS='|'; echo "${tests[*]}")|engine-check|engine-index-bench)\$"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    LSAN_OPTIONS=suppressions=$PWD/cmake/lsan.supp \
    ctest --test-dir "$build" --output-on-failure --parallel 2 -R "$pattern"

bash scripts/fuzz.sh --seconds "$seconds"
