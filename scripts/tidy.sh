#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs clang-tidy 14 with the repository's .clang-tidy over ClipFind's sources, using build/compile_commands.json
# (configure first: cmake -S . -B build ...; CMakeLists.txt exports it).
#   bash scripts/tidy.sh [-j N] [FILE.cpp...]              report; a count per check at the end
#   bash scripts/tidy.sh --add-braces [-j N] [FILE.cpp...]  put braces around every one-statement if/for/while body
#                                                           (only readability-braces-around-statements, fixes
#                                                           applied once each, headers included); run
#                                                           scripts/format.sh afterwards
# Default files: every app/ core/ ui/ tests/ .cpp in the compile database. Headers are checked (and fixed) through
# the files that include them. CLIPFIND_BUILD_DIR picks another build folder.
# A file that includes libtorch takes 15-60 s, so the whole tree takes a while: give the files you changed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

mode=report
jobs=${CLIPFIND_BUILD_JOBS:-2}
while [ $# -gt 0 ]; do
    case "$1" in
        --add-braces) mode=braces; shift ;;
        -j) jobs=$2; shift 2 ;;
        -j*) jobs=${1#-j}; shift ;;
        --) shift; break ;;
        -*) echo "tidy.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done

build=${CLIPFIND_BUILD_DIR:-build}
if [ ! -f "$build/compile_commands.json" ]; then
    echo "tidy.sh: $build/compile_commands.json is missing; configure first:" \
         "cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release" >&2
    exit 2
fi
for tool in clang-tidy-14 run-clang-tidy-14 clang-apply-replacements-14; do
    command -v "$tool" >/dev/null || { echo "tidy.sh: $tool not found (Debian 12: apt-get install clang-tidy-14)" >&2; exit 2; }
done

# run-clang-tidy takes a regex on the absolute path of each compile-database entry.
escape() { printf '%s' "$1" | sed -e 's/[][\.*^$+?(){}|]/\\&/g'; }
if [ $# -eq 0 ]; then
    files_regex="^$(escape "$root")/(app|core|ui|tests)/.*\\.cpp\$"
else
    alternatives=()
    for f in "$@"; do
        case "$f" in
            *.cpp) ;;
            *) echo "tidy.sh: $f: give .cpp files (headers are checked through the files that include them)" >&2; exit 2 ;;
        esac
        [ -f "$f" ] || { echo "tidy.sh: $f: no such file" >&2; exit 2; }
        alternatives+=("$(escape "$(realpath "$f")")")
    done
    files_regex="^($(IFS='|'; echo "${alternatives[*]}"))\$"
fi

# Our headers only: a pattern in .clang-tidy could not tell core/ from ATen/core/ or opencv2/core/.
header_filter="^$(escape "$root")/(app|core|ui|tests)/"
# clang 14 defaults to C++14 and GCC 12 to gnu++17, so CMake writes no -std flag: give clang the compiler's.
common=(-p "$build" -j "$jobs" -quiet -clang-tidy-binary clang-tidy-14
        -clang-apply-replacements-binary clang-apply-replacements-14
        -header-filter "$header_filter" -extra-arg=-std=gnu++17)

if [ "$mode" = braces ]; then
    # Only the braces check, its fixes exported per file and applied once by clang-apply-replacements, so a header
    # seen from many files gets each brace once.
    run-clang-tidy-14 "${common[@]}" -fix \
        -config "{Checks: '-*,readability-braces-around-statements', CheckOptions: [{key: readability-braces-around-statements.ShortStatementLines, value: '0'}]}" \
        "$files_regex"
    echo "tidy.sh: braces added; now run: bash scripts/format.sh"
    exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
run-clang-tidy-14 "${common[@]}" "$files_regex" 2>&1 | tee "$log" || status=$?
echo "tidy.sh: warnings per check (each place counted once):"
sed -e 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^/.*: warning: .*\[[a-z0-9.,-]+\]$' | sort -u \
    | grep -oE '\[[a-z0-9.,-]+\]$' | sort | uniq -c | sort -rn || echo "      0"
exit $status
