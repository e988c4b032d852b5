import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';
import { helioCredentialsFrom, helioLogin } from '../nodes/Helio/auth';

export class HelioApi implements ICredentialType {
	name = 'helioApi';

	displayName = 'Helio API';

	icon: Icon = { light: 'file:../nodes/Helio/helio.svg', dark: 'file:../nodes/Helio/helio.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-trading-venues/n8n-nodes-trading-venues/blob/main/docs/nodes/helio.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Trader Host',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'https://trader.your-broker.com',
			description:
				"The base URL of your broker's Helio trader platform: every broker runs its own. For the local venue simulator: http://127.0.0.1:5700/helio.",
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			required: true,
			default: '',
			description: 'The email you log in to the trader platform with',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The password of that login',
		},
		{
			// Filled by preAuthentication (a login); n8n logs in again when a request answers 401.
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	/**
	 * Logs in (`POST /api/v1/login`) for a session token. n8n runs this inside
	 * httpRequestWithAuthentication when the token is empty, when a request failed with 401, and
	 * for every credential test; it stores the token in the hidden `accessToken` field. A refused
	 * login throws the venue's reason in plain words ("Helio refused the login: …"), never the
	 * password.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const session = await helioLogin((options) => this.helpers.httpRequest(options), helioCredentialsFrom(credentials));
		return { accessToken: session.accessToken };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	/**
	 * The test logs in with the credential's Email and Password: `POST /api/v1/login`, which
	 * changes nothing at the venue. Why the login itself and not an authenticated read:
	 * - every Helio REST read lives under an account (`/api/v1/accounts/{id}/…`), and the account
	 *   IDs are only known from a login;
	 * - n8n's CredentialsTester runs `preAuthentication` before the test request only when it
	 *   recognises a test (CredentialsHelper.preAuthentication: the token is empty, expired, or
	 *   the node is its noOp test node). A read sent with a token still stored from an earlier
	 *   password would pass; the login request judges the Email and Password as typed.
	 * When preAuthentication does run first and the login is refused, the test fails with its
	 * message ("Helio refused the login: invalid email or password"). Otherwise this request's
	 * answer decides: `ignoreHttpStatusErrors` lets a 400/401/500 reach the rules below, which
	 * fail on Helio's error types and on an answer without an access token (a host that is not
	 * a Helio trader platform). Unreachable hosts fail with the network error's code.
	 */
	test: ICredentialTestRequest = {
		request: {
			// A trailing slash on the host is fine: the HTTP client joins baseURL and url with one.
			baseURL: '={{$credentials.baseUrl}}',
			url: '/api/v1/login',
			method: 'POST',
			body: {
				email: '={{$credentials.email}}',
				password: '={{$credentials.password}}',
			},
			json: true,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.type',
					value: 'invalid_credentials',
					message: 'Helio refused the login: invalid email or password.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.type',
					value: 'validation_error',
					message: 'Helio refused the login request as invalid: check the Email (a valid address) and the Password.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.type',
					value: 'internal_error',
					message: 'Helio could not log in now (internal error); test again shortly.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'access_token',
					value: undefined,
					message:
						'The Trader Host answered, but not like a Helio trader platform (no access token). Check the URL (for the local simulator: http://127.0.0.1:5700/helio).',
				},
			},
		],
	};
}
