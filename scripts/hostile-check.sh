#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 11 in CI (scripts/test.sh calls it): one clang build with AddressSanitizer + UndefinedBehaviorSanitizer and
# libFuzzer coverage (build-fuzz, CLIPFIND_FUZZ=ON) runs the parsers' and the Qt-free engine's tests under the
# sanitizers, then each fuzz target for CLIPFIND_FUZZ_SECONDS (default 20) on its corpus seeded from tests/data.
# Longer runs: bash scripts/fuzz.sh --seconds N [TARGET...].
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CLIPFIND_FUZZ_BUILD:-build-fuzz}
seconds=${CLIPFIND_FUZZ_SECONDS:-20}
# The readers of untrusted bytes (model files, JSON, NPY, photos, EXIF, text, queries, files) and the engine's tests.
tests=(jsontest npytest safetensorstest torchscriptarchivetest checkpointtest halftest skinnylineartest textpasstest
       pillowresizetest embeddingmatrixtest tokenizertest searchquerytest exifreadertest exifdatetest
       imagepreprocessortest jpegfastpathtest hostileimagetest regularfiletest memorybudgettest)

bash scripts/configure-fuzz.sh "$build" -DBUILD_TESTING=ON >/dev/null
cmake --build "$build" --parallel "${CLIPFIND_BUILD_JOBS:-$(nproc)}" \
    --target fuzz_checkpoint fuzz_image fuzz_text fuzz_formats "${tests[@]}"

pattern="^($(IFS='|'; echo "${tests[*]}"))\$"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir "$build" --output-on-failure -R "$pattern"

bash scripts/fuzz.sh --seconds "$seconds"
