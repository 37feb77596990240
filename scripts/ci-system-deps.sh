#!/usr/bin/env bash
# System packages the test suite needs beyond Node: nothing yet. Apps add their
# needs here (for example Debian's chromium for the docs browser test).
set -euo pipefail
exit 0
