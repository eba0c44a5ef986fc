#!/bin/sh
# Build tcp-peer against the Debian ns-3 3.37 packages (libns3-dev), like ../../../shared/bench/ns3:
# the Debian ns3-*.pc files name libgsl by absolute path and emit a stray "-I/usr;" flag, so the
# ns-3 libraries are linked explicitly instead of through pkg-config.
set -e
cd "$(dirname "$0")"
set -x
g++ -std=c++17 -O2 -o tcp-peer tcp-peer.cc \
  -lns3-applications -lns3-point-to-point -lns3-internet -lns3-traffic-control \
  -lns3-bridge -lns3-network -lns3-stats -lns3-core
