/**
 * A small script loaded into n8n's main process with `--require` (through NODE_OPTIONS; n8n does
 * not hand NODE_OPTIONS to its task runner). Plain CommonJS, written into the user folder at
 * start, so it needs neither this repository's build nor ts-jest. It does two things:
 * - records every attempt to reach a host other than loopback (DNS lookup or TCP connect), so a
 *   test can assert that n8n stayed local, as it must on machines that only reach the registry;
 * - when the process that started n8n disappears without stopping it (killed outright), sends
 *   SIGTERM to n8n's process group, then SIGKILL if it is still there.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PARENT_PID_ENV = 'TRADING_VENUES_E2E_PARENT_PID';
export const OUTBOUND_LOG_ENV = 'TRADING_VENUES_E2E_OUTBOUND_LOG';

export interface OutboundAttempt {
	pid: number;
	kind: 'connect' | 'lookup';
	host: string;
	port?: number;
	at: string;
}

const PRELOAD_SOURCE = `'use strict';
// Written by tools/e2e/childPreload.ts of n8n-nodes-trading-venues; see there.
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');

const logFile = process.env.${OUTBOUND_LOG_ENV};
const parentPid = Number(process.env.${PARENT_PID_ENV});

function isLocal(host) {
	return !host || host === 'localhost' || host === '::1' || host === '::' || host === '0.0.0.0' ||
		/^127\\./.test(host) || /^::ffff:127\\./.test(host);
}

function record(kind, host, port) {
	if (!logFile || isLocal(host)) return;
	const line = JSON.stringify({ pid: process.pid, kind, host, port, at: new Date().toISOString() });
	try { fs.appendFileSync(logFile, line + '\\n'); } catch {}
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
	let options = args[0];
	if (Array.isArray(options)) options = options[0];
	if (options && typeof options === 'object' && !options.path && typeof options.host === 'string') {
		record('connect', options.host, Number(options.port) || undefined);
	} else if (typeof options === 'number' || (typeof options === 'string' && /^\\d+$/.test(options))) {
		if (typeof args[1] === 'string') record('connect', args[1], Number(options));
	}
	return originalConnect.apply(this, args);
};

const originalLookup = dns.lookup;
dns.lookup = function (host, ...rest) {
	record('lookup', host);
	return originalLookup.call(this, host, ...rest);
};
const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = function (host, ...rest) {
	record('lookup', host);
	return originalPromisesLookup.call(this, host, ...rest);
};

if (parentPid && process.ppid === parentPid) {
	const watch = setInterval(() => {
		let parentGone = process.ppid !== parentPid;
		if (!parentGone) {
			try { process.kill(parentPid, 0); } catch (error) { parentGone = error.code === 'ESRCH'; }
		}
		if (!parentGone) return;
		clearInterval(watch);
		try { process.kill(-process.pid, 'SIGTERM'); } catch {}
		setTimeout(() => { try { process.kill(-process.pid, 'SIGKILL'); } catch {} }, 20000).unref();
	}, 1000);
	watch.unref();
}
`;

/** Writes the preload into `dir` and returns its path. */
export function writeChildPreload(dir: string): string {
	const file = join(dir, 'trading-venues-e2e-preload.cjs');
	writeFileSync(file, PRELOAD_SOURCE);
	return file;
}

export function parseOutboundLog(text: string): OutboundAttempt[] {
	return text
		.split('\n')
		.filter((line) => line.trim())
		.map((line) => JSON.parse(line) as OutboundAttempt);
}
