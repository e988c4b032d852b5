/**
 * How the fast path's confirms go out. n8n 2.41's request helper opens a new connection and reads
 * the credential from n8n's database for every call, which is most of a confirm's latency: so the
 * trigger keeps a connection of its own (shared/rest/directHttp.ts) wherever n8n's helper would
 * go straight to the venue too (`directHttpAllowed`; setup.ts then runs the fast path in a worker
 * thread, fastPathWorker.ts). Where a proxy or n8n's SSRF protection is configured, the helper
 * sends the confirm from n8n's main (those rules apply), given the credential the trigger read last.
 */
import type { ITriggerFunctions } from 'n8n-workflow';

import type { LiveCredentials } from '../../shared/liveCredentials';
import { createDirectHttp, type Rehearsal, type RequestJsonOptions } from '../../shared/rest';
import { TOTALIS_CREDENTIAL_TYPE, withTotalisKey, type TotalisCredentials } from '../auth';

export interface ConfirmSender {
	send: NonNullable<RequestJsonOptions['sendVia']>;
	/** Closes the kept connection (the trigger closing). */
	close(): void;
	/** Opens the kept connection before the first confirm (the kept connection only). */
	preconnect?(url: string): void;
	/** Requests that take the kept connection's path to an answerer on loopback that answers `answer`: nothing reaches the venue (the kept connection only: DirectHttp.rehearsal). */
	rehearsal?(answer: unknown): Promise<Rehearsal>;
}

/** Through n8n's helper, so its proxy and SSRF rules apply (where `directHttpAllowed()` is false). */
export function helperConfirmSender(ctx: ITriggerFunctions, live: LiveCredentials<TotalisCredentials>): ConfirmSender {
	const stored = ctx.getNode().credentials?.[TOTALIS_CREDENTIAL_TYPE];
	return {
		send: async (request) =>
			await ctx.helpers.httpRequestWithAuthentication.call(ctx, TOTALIS_CREDENTIAL_TYPE, request, {
				credentialsDecrypted: {
					id: stored?.id ?? '',
					name: stored?.name ?? '',
					type: TOTALIS_CREDENTIAL_TYPE,
					data: { apiKey: live.value.apiKey, baseUrl: live.value.baseUrl, wsUrl: live.value.wsUrl },
				},
			}),
		close: () => undefined,
	};
}

/** The key the rehearsal's requests carry instead of the credential's. */
const REHEARSAL_API_KEY = 'rehearsal-key';

/** The kept connection, signed with the key read last (the fast path's worker thread uses only this). */
export function directConfirmSender(live: LiveCredentials<TotalisCredentials>): ConfirmSender {
	const direct = createDirectHttp((request) => withTotalisKey(request, live.value.apiKey));
	return {
		send: direct.request,
		close: () => direct.close(),
		preconnect: (url) => direct.preconnect(url),
		// Signed as a confirm is, with a stand-in key: the real one never goes to the rehearsal's answerer.
		rehearsal: (answer) => direct.rehearsal(answer, (request) => withTotalisKey(request, REHEARSAL_API_KEY)),
	};
}
