#!/usr/bin/env bash
# Installs Debian's Chromium when the machine lacks /usr/bin/chromium, for `npm run test:editor`
# (playwright-core drives it; Playwright's own browser download is never used). Needs root (CI runs
# as root) or sudo.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then exit 0; fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
		echo "$CHROMIUM is missing: install it as root with 'apt-get update && apt-get install -y chromium'" >&2
		exit 1
	fi
fi

echo "[chromium] installing Debian's chromium (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq chromium >/dev/null
test -x "$CHROMIUM"
