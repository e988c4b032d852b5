/**
 * The Totalis fast path's worker thread (Confirm Accepted Quotes over the kept connection): it owns
 * the WebSocket, the copy check and the confirmer, so an acceptance is read and confirmed on this
 * thread's event loop whatever n8n's main is doing. Items, with `confirmation` attached, go to
 * n8n's main (workerRunner.ts), where the acceptance merge, the event filter and delivery run.
 */
import type { INode } from 'n8n-workflow';

import { chainStages, type Stage } from '../../shared/delivery/stages';
import { plainErrorMaker } from '../../shared/errorMaker';
import { StreamEngine, type StreamTiming } from '../../shared/engine/StreamEngine';
import { serveStreamInWorker } from '../../shared/engine/workerHost';
import { LiveCredentials } from '../../shared/liveCredentials';
import { redactingLogger } from '../../shared/logging';
import { Redactor } from '../../shared/redact';
import type { RestContext } from '../../shared/rest';
import type { TotalisCredentials } from '../auth';
import { createQuoteConfirmer, rehearseConfirm } from './confirmStage';
import { directConfirmSender } from './confirmSender';
import { traceGarbageCollection } from './confirmTrace';
import type { TotalisChannels } from './protocol';
import type { TotalisConfirmSettings } from './settings';
import { MAX_FRAME_BYTES, webSocketParts } from './webSocketParts';

/** What the trigger sends the worker: plain data only. */
export interface FastPathInit {
	/** The trigger's node, for the confirm's errors. */
	node: INode;
	manual: boolean;
	credentials: TotalisCredentials;
	channels: TotalisChannels;
	followForMs: number | undefined;
	timing: StreamTiming;
	confirm: TotalisConfirmSettings;
}

serveStreamInWorker((message, bridge) => {
	const init = message as FastPathInit;
	const redactor = new Redactor();
	const live = new LiveCredentials<TotalisCredentials>(
		init.credentials,
		async () => (await bridge.readCredentials()) as TotalisCredentials,
		redactor,
		({ apiKey }) => [apiKey],
	);
	const logger = redactingLogger({ logger: bridge.logger }, redactor);
	// confirmQuote reads the node, the logger and how to make its errors from its context (errors
	// without n8n-workflow, which this thread never loads); the sender is the kept connection, so
	// n8n's helpers, which do not exist here, are never asked.
	const context = { getNode: () => init.node, logger, errorMaker: plainErrorMaker } as unknown as RestContext;
	const sender = directConfirmSender(live);
	const confirmer = createQuoteConfirmer({ context, live, settings: init.confirm, redactor, logger, manual: init.manual, sender });
	const { transport, protocol, copyCheck } = webSocketParts(live, init, redactor);
	const stages: Stage[] = copyCheck ? [copyCheck, confirmer] : [confirmer];
	const engine = new StreamEngine({
		transport,
		protocol,
		redactor,
		timing: init.timing,
		maxFrameBytes: MAX_FRAME_BYTES,
		logger,
		onEvent: chainStages(stages, bridge.onEvent),
		onBadFrame: bridge.onBadFrame,
		onRefused: bridge.onRefused,
		refreshCredentials: () => live.refresh(),
	});
	let stopTracing = () => {};
	return {
		async start() {
			// The bench's breakdown (confirmTrace.ts): this thread's GC pauses, when confirms are stamped.
			stopTracing = traceGarbageCollection();
			// Before the socket opens, so that no acceptance waits behind it; a rehearsal that fails costs only the warm-up.
			const rehearsalCopyCheck = copyCheck ? webSocketParts(live, init, redactor).copyCheck : undefined;
			await rehearseConfirm({ context, live, settings: init.confirm, redactor, logger, sender, copyCheck: rehearsalCopyCheck }).catch(
				(error: unknown) =>
					logger.warn(`Totalis: rehearsing the confirm call failed (the first confirm runs cold): ${redactor.text(String(error))}`),
			);
			await engine.start();
			// The first confirm should not pay the connect: the kept connection is opened now.
			sender.preconnect?.(live.value.baseUrl);
		},
		async stop(reason) {
			await engine.stop(reason);
			for (const stage of stages) await stage.dispose?.();
			stopTracing();
		},
	};
});
