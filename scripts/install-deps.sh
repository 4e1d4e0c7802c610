#!/usr/bin/env bash
# Installs the system libraries mlgate links against, when they are missing (Debian/Ubuntu).
set -euo pipefail
missing=()
pkg-config --exists libgit2 2>/dev/null || missing+=(libgit2-dev)
pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev)
pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)
pkg-config --exists snappy 2>/dev/null || missing+=(libsnappy-dev)   # Parquet's SNAPPY pages
pkg-config --exists libzstd 2>/dev/null || missing+=(libzstd-dev)    # Parquet's ZSTD pages
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v git >/dev/null || missing+=(git)   # the tests make one shallow clone with it
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
