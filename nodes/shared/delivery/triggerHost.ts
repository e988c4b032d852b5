import { NodeOperationError, type INodeExecutionData, type IRun, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

import { DEFAULT_REFUSAL_REPORT_INTERVAL_MS, type EngineLogger, type RefusalState } from '../engine/StreamEngine';
import { StreamFailure } from '../engine/errors';
import { operationError, refusalError, toNodeError, triggerCloseError } from '../errors';
import type { Delivered } from '../items';
import { redactingLogger } from '../logging';
import type { Redactor } from '../redact';
import { ScopedDeduplicationKeys } from './deduplicationKeys';
import { BATCH_BYTE_CAP, BATCH_ITEM_CAP, Delivery, type DeliveryOptions, type Emission } from './delivery';
import { DEFAULT_MAX_IN_FLIGHT, ExecutionGate } from './executionGate';
import { activationIdentity, rememberedRefusal, rememberRefusal } from './refusedActivations';
import { chainStages, type Stage } from './stages';

/** At most one failed execution per this period for bad frames, so a broken feed can't flood n8n. */
const BAD_FRAME_REPORT_INTERVAL_MS = 60_000;
/** An execution that has not ended after this long no longer holds one of the trigger's slots. */
const EXECUTION_SLOT_TIMEOUT_MS = 10 * 60_000;
/** Events that may wait for a free slot, at least (five batches' worth when batches are larger). */
const MIN_WAITING_ITEMS = 5000;

export interface EngineHooks {
	logger: EngineLogger;
	onEvent: Parameters<typeof chainStages>[1];
	onBadFrame: (report: { reason: string; excerpt: string; total: number }) => void;
	/** A permanent failure after start stops the stream (an action node's: the run ends with it). */
	onFatal?: (failure: StreamFailure) => void;
	/** A permanent failure after start is retried slowly and reported here (a trigger's: it stays active). */
	onRefused?: (failure: StreamFailure, state: RefusalState) => void;
	/** Trouble the stream recovers from by itself (a worker thread lost and restarted): logged by the runner, recorded here (throttled). */
	onTrouble?: (message: string, description: string) => void;
}

/** What the host runs: one StreamEngine, or several behind one face (a stream sharded over connections). */
export interface StreamRunner {
	/** Resolves once the stream is up; rejects with a StreamFailure (or a node error) when it cannot start. */
	start(): Promise<unknown>;
	/** Stops everything; idempotent. */
	stop(reason?: string): Promise<void>;
}

/** Something that runs beside the stream while it is up (Totalis' market-maker heartbeat). */
export interface Companion {
	start(): void | Promise<void>;
	stop(): void | Promise<void>;
}

export interface StreamTriggerSetup {
	/** The venue's display name, for messages ("Totalis"). */
	venueName: string;
	redactor: Redactor;
	delivery: DeliveryOptions;
	stages?: Stage[];
	/** Builds the engine (or engines); the hooks connect it to delivery and to n8n. */
	createEngine(hooks: EngineHooks): StreamRunner;
	/** What runs beside the stream (started after it, stopped with it). */
	createCompanions?(hooks: EngineHooks): Companion[];
	/** A refusal after start is recorded as a failed execution at most once per this period (default 10 min). */
	refusalReportIntervalMs?: number;
}

/**
 * Runs a venue stream as an n8n trigger, the way n8n expects a persistent trigger to behave:
 * - activation: `trigger()` resolves only once the venue accepted auth and subscriptions, and
 *   rejects with a clear error (never `emitError`) when the first connection cannot;
 * - manual runs ("Execute step"): connect inside `manualTriggerFunction`, deliver the first
 *   event or batch, then stay quiet until n8n closes us;
 * - `this.emit` is looked up at event time, because n8n replaces it for manual runs;
 * - transient drops are healed by the engine. Nothing calls `emitError` once started: n8n 2.41
 *   deactivates and re-activates the trigger for it, leaving two live copies. A refusal after
 *   start (credentials or a subscription) is retried slowly by the engine, which reads the
 *   credential again each time, and recorded as a failed execution (throttled);
 * - a bad frame becomes a failed execution (throttled) where the host supports it;
 * - closing is idempotent and prompt in every state: it aborts a start in flight (connecting,
 *   handshake, login) instead of waiting for it, and leaves nothing running; a step that fails is
 *   a TriggerCloseError (n8n reports it and deactivates the workflow all the same).
 */
export async function runStreamTrigger(ctx: ITriggerFunctions, setup: StreamTriggerSetup): Promise<ITriggerResponse> {
	const { redactor, venueName } = setup;
	const node = ctx.getNode();
	const manual = ctx.getMode() === 'manual';
	const logger = redactingLogger(ctx, redactor);
	let closing = false;
	let manualDelivered = false;
	let lastBadFrameReport = 0;
	let badFramesSinceReport = 0;
	let lastRefusalReport: number | undefined;
	let refusalsSinceReport = 0;
	let lastTroubleReport: number | undefined;
	const refusalReportIntervalMs = setup.refusalReportIntervalMs ?? DEFAULT_REFUSAL_REPORT_INTERVAL_MS;

	// n8n retries a failed activation by itself: a refusal the venue gave moments ago is not asked again.
	const identity = manual ? undefined : await activationIdentity(ctx);
	const remembered = identity && rememberedRefusal(identity);
	if (remembered) throw remembered;

	const deduplicationKeys = new ScopedDeduplicationKeys(`${ctx.getWorkflow().id ?? ''}:${node.id}`);
	const maxInFlight = setup.delivery.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
	// Without a cap nothing waits for an execution's end: n8n is given no done signal to settle
	// (a deferred is a promise and two functions, about 180 bytes per execution).
	const countsExecutions = !manual && maxInFlight > 0;
	/** Starts one execution; the promise settles when n8n has finished it (see executionGate.ts). */
	const startExecution = (emission: Emission): Promise<unknown> | undefined => {
		if (closing || manualDelivered) return undefined;
		if (manual) manualDelivered = true;
		const isBatch = Array.isArray(emission);
		// n8n's shape: one list of { json } per execution, made at its final length (a list grown
		// by push starts with room for 16 items: 150 bytes per execution of one event).
		const data = isBatch ? [emission.map(asExecutionData)] : [[asExecutionData(emission)]];
		if (manual) {
			ctx.emit(data);
			return undefined;
		}
		// An item that reports a gap must run even if n8n saw its key before, or the gap would vanish.
		// A batch has no deduplication key, even of one event (see Emission in delivery.ts).
		const key = !isBatch && !emission.item.gap ? deduplicationKeys.of(emission) : undefined;
		if (!countsExecutions) {
			ctx.emit(data, undefined, undefined, key);
			return undefined;
		}
		const done = deferred<IRun>();
		ctx.emit(data, undefined, done, key);
		return done.promise;
	};
	const batchItems = setup.delivery.mode === 'batch' && setup.delivery.maxItems > 0 ? setup.delivery.maxItems : BATCH_ITEM_CAP;
	const waitingItems = Math.max(5 * batchItems, MIN_WAITING_ITEMS);
	const gate = new ExecutionGate(
		{
			// A manual run ends with its first emission: nothing to cap.
			maxInFlight: manual ? 0 : maxInFlight,
			// Everything that waited leaves together: capping it at one batch held a fast batched
			// stream to about 15,700 items/s through n8n at 20,000 events/s (bench:n8n), and dropped the rest.
			maxBatchItems: waitingItems,
			maxWaitingItems: waitingItems,
			maxWaitingBytes: 2 * BATCH_BYTE_CAP,
			slotTimeoutMs: EXECUTION_SLOT_TIMEOUT_MS,
		},
		startExecution,
		(message) => logger.warn(`${venueName}: ${message}`),
	);
	const delivery = new Delivery(setup.delivery, (emission) => gate.send(emission));
	const stages = setup.stages ?? [];

	const hooks: EngineHooks = {
		logger,
		onEvent: chainStages(stages, (delivered) => delivery.push(delivered)),
		onBadFrame: (report) => {
			badFramesSinceReport++;
			// In a manual run n8n turns saveFailedExecution into a failed test run; there the bad
			// frame stays a logged, counted gap and the run waits for a valid event.
			if (manual || typeof ctx.saveFailedExecution !== 'function') return;
			const now = Date.now();
			if (now - lastBadFrameReport < BAD_FRAME_REPORT_INTERVAL_MS) return;
			lastBadFrameReport = now;
			const count = badFramesSinceReport;
			badFramesSinceReport = 0;
			ctx.saveFailedExecution(
				new NodeOperationError(node, `${venueName} sent ${count} invalid frame(s); the stream goes on`, {
					description: `Latest: ${report.reason}. Excerpt: ${report.excerpt}. Invalid frames so far: ${report.total}. The next item carries gap.droppedFrames.`,
					level: 'warning',
				}),
			);
		},
		onRefused: (failure, state) => {
			if (closing) return;
			refusalsSinceReport++;
			// Without saveFailedExecution (older n8n), the engine's log line is all there is.
			if (typeof ctx.saveFailedExecution !== 'function') return;
			const now = Date.now();
			if (lastRefusalReport !== undefined && now - lastRefusalReport < refusalReportIntervalMs) return;
			lastRefusalReport = now;
			const count = refusalsSinceReport;
			refusalsSinceReport = 0;
			ctx.saveFailedExecution(refusalError(ctx, venueName, failure, { ...state, refusedSinceReport: count }));
		},
		onTrouble: (message, description) => {
			if (closing || manual || typeof ctx.saveFailedExecution !== 'function') return;
			const now = Date.now();
			if (lastTroubleReport !== undefined && now - lastTroubleReport < refusalReportIntervalMs) return;
			lastTroubleReport = now;
			ctx.saveFailedExecution(operationError(ctx, redactor.text(message), redactor.text(description)));
		},
	};
	const engine = setup.createEngine(hooks);
	const companions = setup.createCompanions?.(hooks) ?? [];

	const stopCompanions = async () => {
		for (const companion of companions) await companion.stop();
	};

	let startup: Promise<void> | undefined;
	const start = async () => {
		startup = (async () => {
			try {
				await engine.start();
				// Closed just as the stream came up: the companions are not started at all.
				if (closing) throw new Error('closed');
				for (const companion of companions) await companion.start();
			} catch (error) {
				// Nothing of a failed start may outlive it: n8n will call trigger() again.
				await engine.stop('after a failed start');
				await stopCompanions();
				if (closing) throw operationError(ctx, `${venueName}: closed before the stream had started`);
				const failure = toNodeError(ctx, venueName, error);
				if (identity && error instanceof StreamFailure && error.permanent) rememberRefusal(identity, failure);
				throw failure;
			}
		})();
		await startup;
	};

	let closed: Promise<void> | undefined;
	const closeFunction = async () => {
		closed ??= (async () => {
			closing = true;
			// Every step runs even when one fails: n8n deactivates the workflow despite a
			// TriggerCloseError and never closes this trigger again, so nothing may be left running.
			const failures: unknown[] = [];
			const step = async (run: () => unknown) => {
				try {
					await run();
				} catch (error) {
					failures.push(error);
					logger.warn(`${venueName}: closing failed: ${error instanceof Error ? error.message : String(error)}`);
				}
			};
			// Stopping first aborts a start in flight: waiting for it instead took up to the connect
			// and handshake timeouts (20 s with the defaults) against a venue that does not answer.
			await step(() => engine.stop('closed by n8n'));
			for (const companion of companions) await step(() => companion.stop());
			// The aborted start now settles at once, having closed what it opened.
			await startup?.catch(() => {});
			for (const stage of stages) await step(() => stage.dispose?.());
			await step(() => {
				const discarded = delivery.dispose() + gate.dispose();
				if (discarded > 0) logger.info(`${venueName}: discarded ${discarded} buffered event(s) on close`);
			});
			if (failures.length > 0) {
				const [first] = failures;
				throw triggerCloseError(node, first instanceof Error ? redactor.error(first) : redactor.text(String(first)));
			}
		})();
		await closed;
	};

	if (manual) return { closeFunction, manualTriggerFunction: start };
	await start();
	return { closeFunction };
}

const asExecutionData = ({ item }: Delivered): INodeExecutionData => ({ json: item });

/** The `IDeferredPromise` shape n8n's emit takes as its done promise: n8n settles it when the execution ends. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (error: Error) => void } {
	let resolve!: (value: T | PromiseLike<T>) => void;
	let reject!: (error: Error) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}
