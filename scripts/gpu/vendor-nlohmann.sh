#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The GPU machine has no network and no nlohmann-json package, so the engine's JSON headers travel with the working
# tree: this copies the installed ones (Debian nlohmann-json3-dev, /usr/include/nlohmann) into .nlohmann/nlohmann/,
# which git ignores. Run it here before handing the tree over (carry .nlohmann); scripts/gpu/run-checks.sh then
# builds with -DCLIPFIND_NLOHMANN_INCLUDE_DIR=.nlohmann. Usage: bash scripts/gpu/vendor-nlohmann.sh [SOURCE_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
source=${1:-/usr/include/nlohmann}
if [ ! -f "$source/json.hpp" ]; then
    echo "vendor-nlohmann: no $source/json.hpp (install nlohmann-json3-dev: bash scripts/install-deps.sh)" >&2
    exit 1
fi
rm -rf .nlohmann
mkdir -p .nlohmann
cp -r "$source" .nlohmann/nlohmann
echo "vendor-nlohmann: copied $source to .nlohmann/nlohmann ($(du -sh .nlohmann | cut -f1))"
