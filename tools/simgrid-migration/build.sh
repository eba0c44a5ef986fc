#!/bin/sh
# Builds ./migrate against Debian's libsimgrid-dev 3.32 (apt-get install -y libsimgrid-dev g++).
set -e
cd "$(dirname "$0")"
g++ -std=c++17 -O2 -Wall -Wextra -o migrate migrate.cpp -lsimgrid
