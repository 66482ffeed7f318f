#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the dependencies, builds and runs every test (no GPU needed), then the sanitizer and fuzzing checks of
# issue 11 (scripts/hostile-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure
bash scripts/hostile-check.sh
