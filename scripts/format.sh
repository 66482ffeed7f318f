#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Formats ClipFind's C++ files with clang-format 14 and the repository's .clang-format.
#   bash scripts/format.sh [FILE...]          rewrite the files (default: every tracked *.cpp and *.h)
#   bash scripts/format.sh --check [FILE...]  change nothing; show what would change (first lines, count per file)
#                                             and exit 1 if anything would
# Other clang-format versions break lines differently, so only version 14 is used (Debian 12: clang-format-14;
# CLANG_FORMAT=/path/to/it overrides).
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = "--check" ]; then
    check=1
    shift
fi

clang_format=${CLANG_FORMAT:-}
if [ -z "$clang_format" ]; then
    for candidate in clang-format-14 clang-format; do
        if command -v "$candidate" >/dev/null && "$candidate" --version | grep -q 'version 14\.'; then
            clang_format=$candidate
            break
        fi
    done
fi
if [ -z "$clang_format" ]; then
    echo "format.sh: clang-format 14 not found (Debian 12: apt-get install clang-format-14)" >&2
    exit 2
fi

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        mapfile -t files < <(git ls-files -- '*.cpp' '*.h')
    else
        mapfile -t files < <(find app core tests ui -name '*.cpp' -o -name '*.h' | sort)
    fi
fi
if [ ${#files[@]} -eq 0 ]; then
    echo "format.sh: no C++ files" >&2
    exit 2
fi

if [ $check -eq 1 ]; then
    # --dry-run -Werror reports every line that would change; show the first ones and a count per file.
    report=$(mktemp)
    trap 'rm -f "$report"' EXIT
    if printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$clang_format" --dry-run -Werror --style=file 2>"$report"; then
        echo "format.sh: ${#files[@]} C++ files formatted as .clang-format says"
        exit 0
    fi
    head -n 60 "$report" >&2
    echo "format.sh: lines that clang-format would change, per file:" >&2
    grep -oE '^[^ :]+:[0-9]+:[0-9]+: error: code should be clang-formatted' "$report" | cut -d: -f1 | sort | uniq -c >&2
    echo "format.sh: not formatted; run: bash scripts/format.sh FILE... (or without FILE for all)" >&2
    exit 1
fi
printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$clang_format" -i --style=file
echo "format.sh: formatted ${#files[@]} C++ files"
