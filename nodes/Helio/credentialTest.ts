import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { describeRequest, failed, passed, pick, probe, unreachable, type ProbeRequest } from '../shared/credentialTest';
import { Redactor } from '../shared/redact';
import { helioBase } from './auth';

/**
 * The Helio API credential's test (both Helio nodes name it in `testedBy`): it logs in with the
 * Email and Password as typed (`POST /api/v1/login`, which changes nothing at the venue), so a
 * token still stored from an earlier password cannot hide a changed one. Every Helio read lives
 * under an account, and account IDs are only known from a login. Each failure names the URL
 * called; a host that answers but is not a Helio platform points at the broker's Trader Host.
 */
export async function testHelioCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const email = String(data.email ?? '');
	const password = String(data.password ?? '');
	const baseUrl = helioBase(String(data.baseUrl ?? ''));
	if (!baseUrl) return failed("The Trader Host is empty: enter the base URL of your broker's Helio trader platform.");
	const request: ProbeRequest = { method: 'POST', url: `${baseUrl}/api/v1/login`, body: { email, password } };
	const result = await probe(this, request, [password]);
	if (!result.answered) return unreachable(request, result.reason, "Trader Host (your broker's Helio host)");
	const at = `at ${describeRequest(request)}`;
	const said = pick(result.body, 'error.message');
	const venueWords = typeof said === 'string' && said ? new Redactor([password]).text(said.slice(0, 200)) : undefined;
	switch (pick(result.body, 'error.type')) {
		case 'invalid_credentials':
			return failed(
				`Helio refused the login: ${venueWords ?? 'invalid email or password'} (${result.status} ${at}). Check the Email and Password.`,
			);
		case 'validation_error':
			return failed(
				`Helio refused the login request as invalid (${result.status} ${at}): check the Email (a valid address) and the Password.`,
			);
		case 'internal_error':
			return failed(`Helio could not log in now: ${venueWords ?? 'internal error'} (${result.status} ${at}); test again shortly.`);
	}
	const token = pick(result.body, 'access_token') ?? pick(result.body, 'accessToken');
	if (result.status >= 200 && result.status < 300 && typeof token === 'string' && token) return passed();
	return failed(
		`${describeRequest(request)} answered HTTP ${result.status}, but not like a Helio trader platform (no access token). Check the Trader Host: your broker's Helio host (such as https://trader.your-broker.com).`,
	);
}
