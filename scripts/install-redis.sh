#!/usr/bin/env bash
# Installs Debian's redis-server when the machine lacks it, for the queue-mode e2e tests (they
# run their own redis-server on a free port; see tools/e2e/redis.ts). Nothing is started: while
# apt installs, a policy-rc.d (only if the machine has none) keeps the package from starting the
# system service, and it is removed afterwards. Needs root (CI runs as root) or sudo.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then exit 0; fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
		echo "redis-server is missing: install it as root with 'apt-get install -y redis-server'" >&2
		exit 1
	fi
fi

POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=0
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\n# added by install-redis.sh while apt runs: start no service\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
	"${SUDO[@]}" chmod 755 "$POLICY"
	ADDED_POLICY=1
fi
cleanup() { if [ "$ADDED_POLICY" = 1 ]; then "${SUDO[@]}" rm -f "$POLICY"; fi; }
trap cleanup EXIT

echo "[redis] installing Debian's redis-server (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends redis-server >/dev/null
command -v redis-server >/dev/null
