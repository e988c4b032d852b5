/**
 * The `helioApi` credential and the Helio login (docs/venues/helio.md#login): `POST /api/v1/login {email,
 * password}` → `{access_token, expires_at (unix seconds), accounts:[{id, gid}]}`; refusals are
 * `{error:{type, message, field?}}`. Both nodes read the credential through
 * readHelioCredentials. The login serves the credential's preAuthentication (REST), Account →
 * List, and the trigger, which logs in by itself before every connection (n8n only runs
 * preAuthentication inside httpRequestWithAuthentication).
 */
import {
	NodeOperationError,
	type FunctionsBase,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHttpRequestOptions,
	type ITriggerFunctions,
} from 'n8n-workflow';

import { domainRestrictionOf, type DomainRestriction } from '../shared/engine/allowedDomains';
import { StreamFailure } from '../shared/engine/errors';
import { Redactor } from '../shared/redact';
import {
	exchange,
	findCause,
	LOGIN_TIMEOUT_MS,
	MAX_RESPONSE_BYTES,
	MAX_VENUE_MESSAGE_CHARS,
	RequestCancelledError,
	ResponseLimitError,
	truncateText,
	type FailureWording,
} from '../shared/rest';

export const HELIO_CREDENTIAL_TYPE = 'helioApi';

export interface HelioCredentials {
	baseUrl: string;
	email: string;
	password: string;
	/** Filled by preAuthentication; hidden and expirable. */
	accessToken?: string;
	/** The credential's "Allowed HTTP Request Domains" list, which the trigger's streams keep to. */
	domains?: DomainRestriction;
}

/** The credential's stored fields as strings (what preAuthentication and the nodes receive). */
export function helioCredentialsFrom(data: ICredentialDataDecryptedObject): HelioCredentials {
	const credentials: HelioCredentials = {
		baseUrl: String(data.baseUrl ?? ''),
		email: String(data.email ?? ''),
		password: String(data.password ?? ''),
		domains: domainRestrictionOf(data, 'Helio API'),
	};
	if (typeof data.accessToken === 'string' && data.accessToken) credentials.accessToken = data.accessToken;
	return credentials;
}

/**
 * Reads the credential and refuses an empty Trader Host, which no call could reach. An empty
 * email or password is left to the login, which refuses it in Helio's own terms.
 */
export async function readHelioCredentials(ctx: Pick<FunctionsBase, 'getCredentials' | 'getNode'>): Promise<HelioCredentials> {
	const credentials = helioCredentialsFrom(await ctx.getCredentials(HELIO_CREDENTIAL_TYPE));
	if (!credentials.baseUrl) {
		throw new NodeOperationError(ctx.getNode(), "Credential → Trader Host is empty: the base URL of your broker's Helio host is required");
	}
	return credentials;
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

type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/** How long a login may take, and what ends it sooner (a closing trigger). */
export interface LoginBounds {
	timeoutMs?: number;
	signal?: AbortSignal;
}

/**
 * Logs in; throws HelioLoginError with the venue's explanation (never the password). The login
 * is bounded like every REST call (a total deadline, LOGIN_TIMEOUT_MS unless `bounds` says, and
 * a body cap); `bounds.signal` ends it at once with a RequestCancelledError.
 */
export async function helioLogin(httpRequest: HttpRequest, credentials: HelioCredentials, bounds: LoginBounds = {}): Promise<HelioSession> {
	if (!credentials.email || !credentials.password) {
		throw new HelioLoginError('invalid', 'Helio login needs the email and the password of the credential', {
			field: !credentials.email ? 'email' : 'password',
		});
	}
	let response: { status: number; body: unknown } | undefined;
	let unreachable: string | undefined;
	let cancelled: RequestCancelledError | undefined;
	try {
		response = await exchange(
			httpRequest,
			{
				method: 'POST',
				url: `${helioBase(credentials.baseUrl)}/api/v1/login`,
				body: { email: credentials.email, password: credentials.password },
				json: true,
				ignoreHttpStatusErrors: true,
			},
			{ timeoutMs: bounds.timeoutMs ?? LOGIN_TIMEOUT_MS, maxBytes: MAX_RESPONSE_BYTES, signals: [bounds.signal] },
		);
	} catch (error) {
		if (error instanceof RequestCancelledError) cancelled = error;
		else unreachable = error instanceof ResponseLimitError ? error.message : networkFailure(error as NodeJS.ErrnoException);
	}
	// Thrown outside the catch: there is no node here (a credential's preAuthentication, the
	// trigger's login) to build a NodeApiError; callers turn it into one.
	if (cancelled) throw cancelled;
	if (!response) {
		throw new HelioLoginError(
			'unavailable',
			`cannot reach the Helio trader host ${helioBase(credentials.baseUrl)} (${unreachable ?? 'no answer'})`,
		);
	}
	const body = (response.body ?? {}) as IDataObject;
	if (response.status >= 200 && response.status < 300) return parseSession(body);
	const error = (body.error ?? {}) as { type?: string; message?: string; field?: string };
	// Helio's own words, cut to a readable length (they go into the error n8n stores), the password
	// masked first: a cut through it would leave a part no redactor recognises.
	const said =
		typeof error.message === 'string'
			? truncateText(new Redactor([credentials.password]).text(error.message), MAX_VENUE_MESSAGE_CHARS)
			: `HTTP ${response.status}`;
	const details = { httpStatus: response.status, type: shortText(error.type), field: shortText(error.field) };
	if (response.status === 401 || response.status === 403) {
		throw new HelioLoginError('auth', `Helio refused the login: ${said}`, details);
	}
	if (response.status === 400) {
		const field = details.field ? ` (field ${details.field})` : '';
		throw new HelioLoginError('invalid', `Helio refused the login request: ${said}${field}`, details);
	}
	throw new HelioLoginError('unavailable', `Helio could not log in now: ${said} (HTTP ${response.status})`, details);
}

function shortText(value: unknown): string | undefined {
	return typeof value === 'string' ? truncateText(value, MAX_VENUE_MESSAGE_CHARS) : undefined;
}

function parseSession(body: IDataObject): HelioSession {
	const token = body.access_token;
	const expiresAt = Number(body.expires_at);
	if (typeof token !== 'string' || token === '' || !Number.isFinite(expiresAt)) {
		throw new HelioLoginError('unavailable', 'Helio answered the login without access_token and expires_at');
	}
	const accounts = Array.isArray(body.accounts)
		? (body.accounts as HelioAccount[])
				.filter((account) => account && account.id !== undefined)
				.map((account) => ({ ...account, id: String(account.id) }))
		: [];
	// expires_at is documented in unix seconds; a value in milliseconds is accepted too.
	const expiresAtMs = expiresAt > 1e12 ? expiresAt : expiresAt * 1000;
	return { accessToken: token, expiresAtMs, accounts };
}

/** A HelioLoginError anywhere in an error's cause chain (n8n wraps what preAuthentication threw). */
export function findLoginError(error: unknown): HelioLoginError | undefined {
	return findCause<HelioLoginError>(error, 'HelioLoginError');
}

/** The words for a failed login, for an error raised by the node. */
export function loginFailureWording(error: HelioLoginError): FailureWording {
	const { httpStatus, type, field } = error.details ?? {};
	let description: string;
	if (error.kind === 'auth') {
		description = "Check the Email and Password of the Helio API credential (the login of your broker's trader platform).";
	} else if (error.kind === 'invalid') {
		description = field
			? `Check the ${field === 'email' ? 'Email' : field === 'password' ? 'Password' : field} of the Helio API credential.`
			: 'Check the Email and Password of the Helio API credential.';
	} else {
		description = "Check the Trader Host of the Helio API credential and that the broker's trader platform is up.";
	}
	const info: IDataObject = {};
	if (field) info.field = field;
	return {
		message: error.message,
		description,
		code: type ?? (error.kind === 'unavailable' ? 'LOGIN_UNAVAILABLE' : 'LOGIN_REFUSED'),
		httpStatus,
		info,
	};
}

/** The Trader WebSocket URL for a token: the same host, ws(s) scheme, `/api/v1/ws?token=…`. */
export function helioWebSocketUrl(baseUrl: string, accessToken: string): string {
	const url = new URL(`${helioBase(baseUrl)}/api/v1/ws`);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	url.searchParams.set('token', accessToken);
	return url.toString();
}

/**
 * The trigger's login: a fresh one before every connection, since the stream URL carries the
 * token and a token expires. `current` is the latest session (its accounts and expiry).
 */
export class HelioStreamLogin {
	current: HelioSession | undefined;

	constructor(
		private readonly ctx: ITriggerFunctions,
		private credentials: HelioCredentials,
		private readonly redactor: Redactor,
	) {}

	/** Reads the credential again (before a reconnect): a password corrected in n8n is used by the next login. */
	async refreshCredentials(): Promise<void> {
		const next = await readHelioCredentials(this.ctx);
		this.redactor.add(next.password);
		this.credentials = next;
	}

	/** `signal` ends the login at once: the connect timeout passed, or the trigger is closing. */
	async nextUrl(signal?: AbortSignal): Promise<string> {
		const session: HelioSession = await helioLogin((options) => this.ctx.helpers.httpRequest(options), this.credentials, {
			signal,
		}).catch((error: unknown) => Promise.reject(asStreamFailure(error, this.redactor)));
		this.current = session;
		this.redactor.add(session.accessToken);
		return helioWebSocketUrl(this.credentials.baseUrl, session.accessToken);
	}
}

/** A refused login is permanent (auth); a host that cannot log us in now is transient. */
function asStreamFailure(error: unknown, redactor: Redactor): unknown {
	if (!(error instanceof HelioLoginError)) return error;
	const kind = error.kind === 'unavailable' ? 'unreachable' : 'auth';
	return new StreamFailure(kind, redactor.text(error.message), { httpStatus: error.details.httpStatus, venueCode: error.details.type });
}

/**
 * What went wrong on the way to the host: the code, with Node's words where they say more (a TLS
 * handshake cut short reads only ECONNRESET by its code). The login URL carries no secret.
 */
function networkFailure(error: NodeJS.ErrnoException): string {
	const { code, message } = error;
	if (!code) return message;
	return message && message !== code && !message.startsWith(`${code} `) && /TLS|SSL|certificate/i.test(message)
		? `${code}: ${message}`
		: code;
}
