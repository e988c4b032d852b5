/**
 * The e2e harness's start of n8n (tools/e2e/n8nProcess.ts) when n8n's process ends before it is
 * ready: started once more in the same folder, the failed start's log kept. A small stand-in for
 * n8n's executable, run as a real child process, plays n8n: it prints n8n's migration line, then
 * as often as told exits with code 1 after some output and a reason, then serves every readiness
 * check.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { currentNodeRuntime } from '../../tools/e2e/nodeRuntime';
import type { N8nInstallation } from '../../tools/e2e/n8nInstall';
import { N8nExitedEarly, retryAnEarlyExit, startN8n } from '../../tools/e2e/n8nProcess';

const STAND_IN = `'use strict';
const fs = require('node:fs');
const http = require('node:http');
const starts = Number(fs.existsSync('starts') ? fs.readFileSync('starts', 'utf8') : '0') + 1;
fs.writeFileSync('starts', String(starts));
console.log('Migrations in progress, please do NOT stop the process.');
if (starts <= Number(process.env.STAND_IN_EXITS)) {
	// Some output, then why. Little enough to fit the pipe at once: what the pipe cannot take yet
	// waits inside Node, and process.exit() drops it (about half the time at 60 KB here).
	for (let line = 0; line < 5; line++) process.stderr.write('x'.repeat(1000) + '\\n');
	process.stderr.write('Error: the stand-in failed its migrations\\n');
	process.exit(1);
}
const server = http.createServer((request, response) => response.end('{}'));
server.listen(Number(process.env.N8N_PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

let folder: string;
let installation: N8nInstallation;
const said: string[] = [];

beforeEach(async () => {
	folder = await mkdtemp(join(tmpdir(), 'trading-venues-n8n-start-'));
	const nodeModules = join(folder, 'install', 'node_modules');
	// The owner's password is hashed with the bcryptjs n8n ships; the stand-in's only has to answer.
	await mkdir(join(nodeModules, 'bcryptjs'), { recursive: true });
	await writeFile(join(nodeModules, 'bcryptjs', 'index.js'), 'exports.hashSync = () => "hash";');
	const n8nBin = join(nodeModules, 'n8n', 'bin', 'n8n');
	await mkdir(dirname(n8nBin), { recursive: true });
	await writeFile(n8nBin, STAND_IN);
	const runtime = currentNodeRuntime();
	installation = { version: 'stand-in', dir: join(folder, 'install'), nodeModules, n8nBin, nodePath: runtime.nodePath, runtime };
	said.length = 0;
});

afterEach(async () => {
	await rm(folder, { recursive: true, force: true });
});

async function start(exits: number) {
	return await startN8n({
		installation,
		userFolder: join(folder, 'user'),
		env: { STAND_IN_EXITS: String(exits) },
		readyTimeoutMs: 20_000,
		log: (line) => said.push(line),
	});
}

test('an n8n that exits once before it is ready is started once more, and the failed start is said and its log kept', async () => {
	const n8n = await start(1);
	try {
		expect(await readFile(join(folder, 'user', 'starts'), 'utf8')).toBe('2');
		expect(said).toHaveLength(1);
		expect(said[0]).toMatch(/exited \(code 1, signal null\).*starting it once more/);
		const failedStart = await readFile(join(folder, 'user', 'n8n-failed-start.log'), 'utf8');
		expect(failedStart).toContain('Migrations in progress');
		expect(failedStart).toContain('Error: the stand-in failed its migrations');
		// The running start's log is its own.
		expect((await readFile(n8n.logFile, 'utf8')).match(/Migrations in progress/g)).toHaveLength(1);
	} finally {
		await n8n.stop();
	}
});

test('an n8n that exits twice fails with its output, the early exit named', async () => {
	const failure = start(2);
	await expect(failure).rejects.toThrow(N8nExitedEarly);
	await expect(failure).rejects.toThrow(/exited \(code 1[\s\S]*Error: the stand-in failed its migrations/);
	expect(await readFile(join(folder, 'user', 'starts'), 'utf8')).toBe('2');
	expect(said).toHaveLength(1);
});

test('only an early exit is tried again', async () => {
	let attempts = 0;
	const timedOut = retryAnEarlyExit(
		async () => {
			attempts++;
			throw new Error('/healthz did not answer 200 within 120000 ms');
		},
		async () => {},
	);
	await expect(timedOut).rejects.toThrow('did not answer');
	expect(attempts).toBe(1);
});
