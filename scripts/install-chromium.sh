#!/bin/sh
# Installs Debian's Chromium for the dashboard's browser tests (playwright-core drives it; browser
# downloads do not work here). Does nothing when `chromium` is already on PATH.
set -eu
if command -v chromium >/dev/null 2>&1; then exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "installed $(chromium --version)"
