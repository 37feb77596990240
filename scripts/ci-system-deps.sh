#!/usr/bin/env bash
# System packages the test suite needs beyond Node, installed by the project
# itself (CI starts from a clean machine): Debian's Chromium for the docs
# browser test. If it cannot be installed the browser test says so loudly and
# is counted as skipped.
set -uo pipefail
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the docs browser test…"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
    echo "!!! could not install chromium: the docs browser test will be SKIPPED" >&2
  fi
fi
exit 0
