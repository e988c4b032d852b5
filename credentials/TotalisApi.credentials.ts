import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { withTotalisKey } from '../nodes/Totalis/auth';

/** The nil UUID: a well-formed quote request ID that never exists. */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export class TotalisApi implements ICredentialType {
	name = 'totalisApi';

	displayName = 'Totalis API';

	icon: Icon = { light: 'file:../nodes/Totalis/totalis.svg', dark: 'file:../nodes/Totalis/totalis.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-trading-venues/n8n-nodes-trading-venues/blob/main/docs/nodes/totalis.md';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'api_live_…',
			description: 'Your Totalis API key. Market makers need a key with the mm:quote scope to quote, confirm and send heartbeats.',
		},
		{
			displayName: 'REST Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.totalis.trade',
			description:
				'Where REST calls go. Change it to use a staging host, a proxy, or the local venue simulator (http://127.0.0.1:5700/totalis).',
		},
		{
			displayName: 'WebSocket URL',
			name: 'wsUrl',
			type: 'string',
			default: 'wss://api.totalis.trade/ws',
			description:
				'Where the Totalis Trigger connects for quote and position events. Change it together with the REST Base URL (local simulator: ws://127.0.0.1:5700/totalis/ws).',
		},
	];

	/**
	 * A function rather than a `={{$credentials.apiKey}}` expression: n8n 2.x evaluates credential
	 * expressions in an isolate that a trigger holds only while it starts, so the calls a trigger
	 * makes later (heartbeats, snapshots, rule refreshes) would fail with "No bridge acquired".
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return withTotalisKey(requestOptions, String(credentials.apiKey ?? ''));
	}

	/**
	 * Asks for a quote request that cannot exist (the nil UUID). Nothing changes at the venue,
	 * unlike `POST /v1/mm/heartbeat`, which marks the market maker as live.
	 *
	 * How n8n judges the answer (CredentialsTester, n8n 2.x): every non-2xx answer that throws
	 * fails the test, and rules can only turn an answer into a failure, never into a success. The
	 * answer that proves a good key here is a 404 NOT_FOUND, so the request sets
	 * `ignoreHttpStatusErrors`: every answer then reaches the `responseSuccessBody` rules, which
	 * fail on the codes that mean the key (or the venue) is not usable:
	 * - UNAUTHORIZED (401): the key is wrong or revoked;
	 * - FORBIDDEN (403): the key is known but not allowed to read quote requests;
	 * - RATE_LIMITED, INTERNAL_ERROR, SERVICE_UNAVAILABLE: Totalis could not judge the key now;
	 * - no `error.code` at all: the base URL answered, but not with Totalis' error envelope (a
	 *   wrong host or path, a proxy page). A real quote request is never found at the nil UUID.
	 * Any other Totalis error (NOT_FOUND, or a VALIDATION_ERROR about the ID) means the key was
	 * accepted, and the test passes. Unreachable hosts fail with the network error's code.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: `/v1/quote-requests/${NIL_UUID}`,
			method: 'GET',
			json: true,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'UNAUTHORIZED',
					message: 'Totalis did not accept this API key (401 UNAUTHORIZED). Check the key and that it is not revoked.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'FORBIDDEN',
					message: 'Totalis knows this API key but refused it (403 FORBIDDEN): check its scopes.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'RATE_LIMITED',
					message: 'Totalis is rate-limiting this key (429); test again in a minute.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'INTERNAL_ERROR',
					message: 'Totalis answered with an internal error; test again shortly.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'SERVICE_UNAVAILABLE',
					message: 'Totalis is temporarily unavailable (503); test again shortly.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: undefined,
					message:
						'The REST Base URL answered, but not like the Totalis API. Check the URL (for the local simulator: http://127.0.0.1:5700/totalis).',
				},
			},
		],
	};
}
