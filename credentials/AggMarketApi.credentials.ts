import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { appHeaders, refreshAccessToken, type AggMarketCredentials } from '../nodes/AggMarket/auth';

export class AggMarketApi implements ICredentialType {
	name = 'aggMarketApi';

	displayName = 'agg.market API';

	icon: Icon = { light: 'file:../nodes/AggMarket/aggMarket.svg', dark: 'file:../nodes/AggMarket/aggMarket.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-trading-venues/n8n-nodes-trading-venues/blob/main/docs/nodes/agg-market.md';

	properties: INodeProperties[] = [
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			required: true,
			default: '',
			description: 'The ID of your agg.market app; sent as x-app-id with every call',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The user's access token. With a Refresh Token it is renewed automatically when it expires.",
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Gets a new access token when the current one expires. agg.market accepts each refresh token once, so Test credential does not use it: it is checked at first use.',
		},
		{
			displayName: 'REST Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.agg.market',
			description: 'Change it for a staging host or the local simulator (http://127.0.0.1:5700/agg)',
		},
		{
			displayName: 'WebSocket URL',
			name: 'wsUrl',
			type: 'string',
			default: 'wss://ws.agg.market/ws',
			description: 'Where the agg.market Trigger connects (local simulator: ws://127.0.0.1:5700/agg/ws)',
		},
		{
			displayName: 'Refresh Path',
			name: 'refreshPath',
			type: 'string',
			default: '/auth/refresh',
			description:
				"The path that exchanges the refresh token for a new access token; agg.market's public docs do not pin it, so check your app's docs",
		},
		{
			displayName: 'Origin',
			name: 'origin',
			type: 'string',
			default: '',
			placeholder: 'https://your-app.example.com',
			description: "Sent as the Origin header when set: agg.market checks each app's allowed origins",
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			// When the session token stops working (epoch ms, 0 = not said): the trigger renews it before then.
			displayName: 'Session Expires At',
			name: 'sessionExpiresAt',
			type: 'hidden',
			default: 0,
		},
	];

	/** Renews the access token through the refresh token (or takes the one given) when n8n finds it empty or expired. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const tokens = await refreshAccessToken((options) => this.helpers.httpRequest(options), credentials as unknown as AggMarketCredentials);
		// n8n stores what this returns: a rotated refresh token must be kept, or the next refresh fails.
		return {
			sessionToken: tokens.accessToken,
			sessionExpiresAt: tokens.expiresAtMs ?? 0,
			...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
		};
	}

	/**
	 * A property, not a method: n8n copies a credential's own properties (`{...credential}`) when it
	 * decides which nodes get "Custom API Call" and which credentials the HTTP Request node offers
	 * as a predefined type; a method on the prototype would be missed.
	 */
	authenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> => {
		const values = credentials as unknown as AggMarketCredentials;
		const token = values.sessionToken || values.accessToken;
		requestOptions.headers = {
			...requestOptions.headers,
			...appHeaders(values),
			...(token ? { Authorization: `Bearer ${token}` } : {}),
		};
		return requestOptions;
	};

	// No declarative `test`: n8n would prefer it to the nodes' `testedBy`, and when testing it always
	// runs preAuthentication, which spends agg.market's single-use refresh token. The test is
	// `testAggMarketCredential` in nodes/AggMarket/credentialTest.ts, which never uses the refresh token.
}
