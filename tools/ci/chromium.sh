#!/usr/bin/env bash
# Installs Debian's Chromium for the web view's browser test (tests/EndToEnd/WebViewSpec: Playwright drives /usr/bin/chromium
# headless; browsers are not downloaded), if missing. Exits 1 when it cannot; .ci/run then says so, and the test fails
# (DCSIM_REQUIRE_CHROMIUM=1) instead of skipping.
set -uo pipefail
[ -x /usr/bin/chromium ] && exit 0
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 || exit 1
[ -x /usr/bin/chromium ]
