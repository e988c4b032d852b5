/**
 * Helio login (venues.md §2): `POST /api/v1/login {email, password}` →
 * `{access_token, expires_at (unix seconds), accounts:[{id, gid}]}`; refusals are
 * `{error:{type, message, field?}}`. Used by the credential's preAuthentication (REST) and by the
 * trigger, which logs in by itself before every connection (n8n only runs preAuthentication
 * inside httpRequestWithAuthentication).
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

export interface HelioCredentials {
	baseUrl: string;
	email: string;
	password: string;
	/** Filled by preAuthentication; hidden and expirable. */
	accessToken?: string;
}

export interface HelioAccount {
	id: string;
	gid?: string | number;
	[field: string]: unknown;
}

export interface HelioSession {
	accessToken: string;
	/** When the token stops working (epoch ms). */
	expiresAtMs: number;
	accounts: HelioAccount[];
}

/** Why a login failed, in the venue's words: `kind` auth (wrong email or password) or unavailable. */
export class HelioLoginError extends Error {
	constructor(
		readonly kind: 'auth' | 'invalid' | 'unavailable',
		message: string,
		readonly details: { httpStatus?: number; type?: string; field?: string } = {},
	) {
		super(message);
		this.name = 'HelioLoginError';
	}
}

/** The trader host without a trailing slash. */
export function helioBase(baseUrl: string): string {
	return baseUrl.trim().replace(/\/+$/, '');
}

/** The Trader WebSocket URL for a token: the same host, ws(s) scheme, `/api/v1/ws?token=…`. */
export function helioWebSocketUrl(baseUrl: string, accessToken: string): string {
	const url = new URL(`${helioBase(baseUrl)}/api/v1/ws`);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	url.searchParams.set('token', accessToken);
	return url.toString();
}

type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/** Logs in; throws HelioLoginError with the venue's explanation (never the password). */
export async function helioLogin(httpRequest: HttpRequest, credentials: HelioCredentials): Promise<HelioSession> {
	if (!credentials.email || !credentials.password) {
		throw new HelioLoginError('invalid', 'Helio login needs the email and the password of the credential', {
			field: !credentials.email ? 'email' : 'password',
		});
	}
	let response: { statusCode: number; body: unknown } | undefined;
	let unreachable: string | undefined;
	try {
		response = (await httpRequest({
			method: 'POST',
			url: `${helioBase(credentials.baseUrl)}/api/v1/login`,
			body: { email: credentials.email, password: credentials.password },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
	} catch (error) {
		unreachable = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
	}
	// Thrown outside the catch: there is no node here (a credential's preAuthentication, the
	// trigger's login) to build a NodeApiError; callers turn it into one.
	if (!response) {
		throw new HelioLoginError('unavailable', `cannot reach the Helio trader host ${helioBase(credentials.baseUrl)} (${unreachable ?? 'no answer'})`);
	}
	const body = (response.body ?? {}) as IDataObject;
	if (response.statusCode >= 200 && response.statusCode < 300) return parseSession(body);
	const error = (body.error ?? {}) as { type?: string; message?: string; field?: string };
	const said = error.message ?? `HTTP ${response.statusCode}`;
	const details = { httpStatus: response.statusCode, type: error.type, field: error.field };
	if (response.statusCode === 401 || response.statusCode === 403) {
		throw new HelioLoginError('auth', `Helio refused the login: ${said}`, details);
	}
	if (response.statusCode === 400) {
		const field = error.field ? ` (field ${error.field})` : '';
		throw new HelioLoginError('invalid', `Helio refused the login request: ${said}${field}`, details);
	}
	throw new HelioLoginError('unavailable', `Helio could not log in now: ${said} (HTTP ${response.statusCode})`, details);
}

function parseSession(body: IDataObject): HelioSession {
	const token = body.access_token;
	const expiresAt = Number(body.expires_at);
	if (typeof token !== 'string' || token === '' || !Number.isFinite(expiresAt)) {
		throw new HelioLoginError('unavailable', 'Helio answered the login without access_token and expires_at');
	}
	const accounts = Array.isArray(body.accounts)
		? (body.accounts as HelioAccount[]).filter((account) => account && account.id !== undefined).map((account) => ({ ...account, id: String(account.id) }))
		: [];
	// expires_at is documented in unix seconds; a value in milliseconds is accepted too.
	const expiresAtMs = expiresAt > 1e12 ? expiresAt : expiresAt * 1000;
	return { accessToken: token, expiresAtMs, accounts };
}
