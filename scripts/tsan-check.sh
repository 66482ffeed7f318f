#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ThreadSanitizer on the concurrent parts (issue 11): the indexer, live search, the crop batcher, the folder watcher,
# the thumbnail loader and the rest of the tests that run threads. Configures (once) a GCC build with
# -fsanitize=thread on ClipFind's own code (CLIPFIND_SANITIZE=thread, -O1 with line tables) in build-tsan or the
# folder given, builds those tests and runs them one by one with cmake/tsan.supp. Fails when a test fails or when
# any ThreadSanitizer report appears: halt_on_error=0 lets each test run to its end, so one run lists every report
# (in BUILD/tsan-logs/TEST.PID).
#
# Not part of CI (scripts/test.sh): the build and the tests, which run the model under TSan, take too long for CI's
# budget on 2 cores. Debian's Qt, libtorch and libgomp are not instrumented: ClipFind's hand-offs through Qt are
# annotated (core/threads/pooltasks.h), and cmake/tsan.supp says what else is dropped and why.
#   bash scripts/tsan-check.sh [BUILD_DIR]    CLIPFIND_BUILD_JOBS: compile jobs (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-tsan}
jobs=${CLIPFIND_BUILD_JOBS:-2}
tests=(cropbatchertest indexertest folderwatchertest inotifywatchertest encoderconcurrencytest libraryindexertest
       threadingtest livesearchtest thumbnailloadertest photolibrarytest memorybudgettest pooltaskstest)

if [ ! -f "$build/CMakeCache.txt" ]; then
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE=-O1 \
        -DCMAKE_C_FLAGS_SANITIZE=-O1 -DCLIPFIND_SANITIZE=thread -DBUILD_TESTING=ON "${launcher[@]}" >/dev/null
fi
if ! grep -q '^CLIPFIND_SANITIZE:STRING=thread$' "$build/CMakeCache.txt"; then
    echo "tsan-check.sh: $build is not a ThreadSanitizer build (CLIPFIND_SANITIZE=thread); give another folder" >&2
    exit 2
fi
cmake --build "$build" --parallel "$jobs" --target "${tests[@]}"

logs=$(cd "$build" && pwd)/tsan-logs
rm -rf "$logs"
mkdir -p "$logs"
failed=()
for test in "${tests[@]}"; do
    start=$SECONDS
    status=passed
    TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:suppressions=$PWD/cmake/tsan.supp:log_path=$logs/$test" \
        ctest --test-dir "$build" --output-on-failure -R "^$test\$" >"$logs/$test.ctest" 2>&1 || status=failed
    reports=$(cat "$logs/$test".[0-9]* 2>/dev/null | grep -c 'WARNING: ThreadSanitizer' || true)
    echo "$test: $status, $reports ThreadSanitizer reports, $((SECONDS - start)) s"
    if [ "$status" != passed ] || [ "$reports" -gt 0 ]; then
        failed+=("$test")
        grep -h '^SUMMARY: ThreadSanitizer' "$logs/$test".[0-9]* 2>/dev/null | sort | uniq -c || true
        [ "$status" = passed ] || tail -n 40 "$logs/$test.ctest"
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "tsan-check.sh: not clean: ${failed[*]} (reports and test output in $logs)" >&2
    exit 1
fi
echo "tsan-check.sh: ${#tests[@]} tests passed with no ThreadSanitizer report"
