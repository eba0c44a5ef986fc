#!/bin/sh
# Rewrites tests/golden/<scenario>/ from the current build, through the golden test itself
# (so the files are exactly what the test compares with). See README.md in this folder first.
set -e
cd "$(dirname "$0")/../.."
dotnet build tests/EndToEnd -c Release
DCSIM_UPDATE_GOLDEN=1 dotnet test tests/EndToEnd -c Release --no-build --filter "FullyQualifiedName~GoldenResultsSpec"
git status --short tests/golden
