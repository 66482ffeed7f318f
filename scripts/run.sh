#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the dependencies, builds and starts the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec ./build/app/clipfind "$@"
