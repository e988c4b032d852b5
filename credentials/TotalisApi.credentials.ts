import type { ICredentialDataDecryptedObject, IHttpRequestOptions, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { withTotalisKey } from '../nodes/Totalis/auth';

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
	 * A property, not a method: n8n copies a credential's own properties (`{...credential}`) when
	 * it decides which nodes get "Custom API Call" and which credentials the HTTP Request node
	 * offers as a predefined type; a method on the prototype would be missed.
	 */
	authenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> =>
		withTotalisKey(requestOptions, String(credentials.apiKey ?? ''));

	// No declarative `test`: n8n would prefer it to the nodes' `testedBy`, and its fixed words cannot
	// name the URL a failure came from. The test is `testTotalisCredential` in nodes/Totalis/credentialTest.ts.
}
