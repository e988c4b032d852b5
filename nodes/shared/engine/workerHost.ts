/**
 * The worker thread's side of a stream run off n8n's event loop (see workerRunner.ts): it builds
 * the venue's stream from the trigger's `init` message, starts it, and posts back what the trigger
 * host's hooks would have received. A venue's worker entry calls `serveStreamInWorker` once.
 */
import { parentPort } from 'node:worker_threads';

import type { IDataObject } from 'n8n-workflow';

import type { Delivered } from '../items';
import type { BadFrameReport, EngineLogger, RefusalState } from './StreamEngine';
import { describeError, StreamFailure } from './errors';
import type { FailureMessage, FromWorker, LogLevel, ToWorker } from './workerMessages';

/** How long the worker waits for the trigger to read the credential again (n8n reads it from its database). */
const CREDENTIAL_READ_TIMEOUT_MS = 10_000;

/** What the worker hands the venue's stream in place of the trigger host's hooks. */
export interface WorkerBridge {
	/** Posts log lines to the trigger's logger (unredacted here: the venue wraps it with its Redactor). */
	logger: EngineLogger;
	onEvent(delivered: Delivered): void;
	onBadFrame(report: BadFrameReport): void;
	onRefused(failure: StreamFailure, state: RefusalState): void;
	onFatal(failure: StreamFailure): void;
	/** Asks the trigger to read the credential again through n8n; resolves with its values. */
	readCredentials(): Promise<unknown>;
}

/** The stream as the worker runs it: started once, stopped once (its stages disposed too). */
export interface WorkerStream {
	start(): Promise<unknown>;
	stop(reason: string): Promise<void>;
}

export function failureMessage(error: unknown): FailureMessage {
	if (error instanceof StreamFailure) return { kind: error.kind, message: error.message, details: { ...error.details } };
	return { message: describeError(error) };
}

/** Serves one stream: `build` makes it from the init message. */
export function serveStreamInWorker(build: (init: unknown, bridge: WorkerBridge) => WorkerStream): void {
	const port = parentPort;
	if (!port) throw new Error('serveStreamInWorker runs only in a worker thread');
	const post = (message: FromWorker) => port.postMessage(message);
	const log =
		(level: LogLevel) =>
		(message: string, meta?: IDataObject): void =>
			post({ type: 'log', level, message, meta });
	const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
	let requests = 0;
	const bridge: WorkerBridge = {
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		onEvent: (delivered) => post({ type: 'event', delivered }),
		onBadFrame: (report) => post({ type: 'badFrame', report }),
		onRefused: (failure, state) => post({ type: 'refused', failure: failureMessage(failure), state }),
		onFatal: (failure) => post({ type: 'fatal', failure: failureMessage(failure) }),
		readCredentials: () =>
			new Promise((resolve, reject) => {
				const id = ++requests;
				const timer = setTimeout(() => {
					waiting.delete(id);
					reject(new Error(`the trigger did not read the credential within ${CREDENTIAL_READ_TIMEOUT_MS} ms`));
				}, CREDENTIAL_READ_TIMEOUT_MS);
				waiting.set(id, { resolve, reject, timer });
				post({ type: 'readCredentials', id });
			}),
	};

	let stream: WorkerStream | undefined;
	let stopping: Promise<void> | undefined;
	port.on('message', (message: ToWorker) => {
		switch (message.type) {
			case 'init':
				try {
					stream = build(message.init, bridge);
				} catch (error) {
					post({ type: 'failed', failure: failureMessage(error) });
					return;
				}
				stream.start().then(
					() => post({ type: 'started' }),
					(error: unknown) => post({ type: 'failed', failure: failureMessage(error) }),
				);
				return;
			case 'credentials': {
				const request = waiting.get(message.id);
				if (!request) return;
				waiting.delete(message.id);
				clearTimeout(request.timer);
				if (message.error !== undefined) request.reject(new Error(message.error));
				else request.resolve(message.value);
				return;
			}
			case 'stop':
				stopping ??= (async () => {
					try {
						await stream?.stop(message.reason);
					} catch (error) {
						bridge.logger.warn(`stopping the stream's worker failed: ${describeError(error)}`);
					}
					for (const request of waiting.values()) clearTimeout(request.timer);
					post({ type: 'stopped' });
				})();
		}
	});
}
