#!/usr/bin/env bash
# System packages the test suite needs beyond Node, installed by the project
# itself (CI starts from a clean machine): Debian's Chromium for the docs
# browser test, tmux for the Nanocoder TUI test (a real terminal). If one
# cannot be installed, the test that needs it says so loudly and fails.
set -uo pipefail
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the docs browser test…"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
    echo "!!! could not install chromium: the docs browser test will be SKIPPED" >&2
  fi
fi
if ! command -v tmux >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's tmux for the Nanocoder TUI test…"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends tmux >/dev/null; }; then
    echo "!!! could not install tmux: the Nanocoder TUI test will FAIL" >&2
  fi
fi
exit 0
