#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the dependencies, builds and runs every test (no GPU needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure
