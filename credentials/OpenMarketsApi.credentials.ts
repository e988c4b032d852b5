import type { ICredentialDataDecryptedObject, IHttpRequestOptions, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

export class OpenMarketsApi implements ICredentialType {
	name = 'openMarketsApi';

	displayName = 'OpenMarkets API';

	icon: Icon = { light: 'file:../nodes/OpenMarkets/openMarkets.svg', dark: 'file:../nodes/OpenMarkets/openMarkets.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-trading-venues/n8n-nodes-trading-venues/blob/main/docs/nodes/openmarkets.md';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'om_data_live_…',
			description: 'Your OpenMarkets data API key; sent as X-API-Key to the REST API and as api_key to the stream',
		},
		{
			displayName: 'REST Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.openmarkets.ai/flow/v1',
			description:
				'Where REST calls go. Change it to use a staging host, a proxy, or the local venue simulator (http://127.0.0.1:5700/openmarkets/flow/v1).',
		},
		{
			displayName: 'Stream URL',
			name: 'streamUrl',
			type: 'string',
			default: 'wss://api.openmarkets.ai/flow/v1/stream',
			description:
				'The liquidity stream (WebSocket); the key is added as ?api_key=. Change it together with the REST Base URL (local simulator: ws://127.0.0.1:5700/openmarkets/flow/v1/stream).',
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
	authenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> => {
		requestOptions.headers = { ...requestOptions.headers, 'X-API-Key': String(credentials.apiKey ?? '') };
		return requestOptions;
	};

	// No declarative `test`: n8n would prefer it to the nodes' `testedBy`, and its fixed words cannot
	// name the URL a failure came from. The test is `testOpenMarketsCredential` in nodes/OpenMarkets/credentialTest.ts.
}
