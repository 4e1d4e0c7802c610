#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, builds every product
# (the end-to-end tests run the mlgate binary), then runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/install-test-deps.sh
swift build --build-tests
swift test --skip-build
