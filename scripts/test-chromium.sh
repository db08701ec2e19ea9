#!/usr/bin/env bash
# Installs Debian's chromium when it is missing: the dashboard's browser tests (tests/Dashboard.Tests,
# Playwright for .NET) drive it headless. Sourced by scripts/test.sh.

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing chromium from Debian's packages (needed by the dashboard's browser tests)..."
  if [ "$(id -u)" -ne 0 ]; then echo "scripts/test-chromium.sh: chromium is missing and installing it needs root (apt-get install -y chromium)." >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } \
    || { echo "scripts/test-chromium.sh: apt-get install chromium failed." >&2; exit 1; }
fi
