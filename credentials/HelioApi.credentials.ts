import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialDataDecryptedObject,
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

	// No declarative `test`: n8n would prefer it to the nodes' `testedBy`, and its fixed words cannot
	// name the URL a failure came from. The test is `testHelioCredential` in nodes/Helio/credentialTest.ts.
}
