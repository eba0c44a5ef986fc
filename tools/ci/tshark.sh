#!/usr/bin/env bash
# Installs Debian's tshark for the pcap tests (issue 13: a capture from a run must open in tshark), if missing. Exits 1
# when it cannot; .ci/run then says so, and the pcap tests fail (DCSIM_REQUIRE_TSHARK=1) instead of skipping.
set -uo pipefail
command -v tshark >/dev/null 2>&1 && exit 0
# wireshark-common asks whether non-root users may capture: noninteractive takes its default (no), which reading files does not need.
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tshark) >&2 || exit 1
command -v tshark >/dev/null 2>&1
