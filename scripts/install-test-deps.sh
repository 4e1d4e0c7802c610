#!/usr/bin/env bash
# What the tests use beyond the build: Chromium renders the HTML report, Pillow reads its
# screenshot, junitparser reads the JUnit report as CI viewers do. Installed when missing.
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v chromium >/dev/null; then
  echo "installing chromium" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
if ! python3 -c 'import junitparser, PIL' 2>/dev/null; then
  python3 -m pip install -q junitparser pillow >&2
fi
