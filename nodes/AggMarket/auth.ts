/**
 * The agg.market credential (docs/venues/agg-market.md#tokens-and-refresh): an app id, and user tokens: an access token
 * that expires and a refresh token that gets a new one at the credential's Refresh Path (not
 * documented publicly, so configurable). The refresh runs in the credential's preAuthentication
 * (REST); the stream keeps its token through AggTokens, which renews through that same
 * preAuthentication before the token expires and after a refusal.
 */
import { NodeOperationError, type FunctionsBase, type IDataObject, type IHttpRequestOptions, type ITriggerFunctions } from 'n8n-workflow';

import { domainRestrictionOf, type DomainRestriction } from '../shared/engine/allowedDomains';
import { StreamFailure } from '../shared/engine/errors';
import { Redactor } from '../shared/redact';
import { renewalMargin } from '../shared/renewal';
import { retryIfRotated } from '../shared/rotatedCredential';
import {
	exchange,
	findCause,
	LOGIN_TIMEOUT_MS,
	MAX_RESPONSE_BYTES,
	MAX_VENUE_MESSAGE_CHARS,
	RequestCancelledError,
	ResponseLimitError,
	truncateText,
} from '../shared/rest';

/** The credential type's name, as the nodes and n8n know it. */
export const AGG_CREDENTIAL_TYPE = 'aggMarketApi';

export interface AggMarketCredentials {
	appId: string;
	accessToken?: string;
	refreshToken?: string;
	baseUrl: string;
	wsUrl: string;
	refreshPath?: string;
	origin?: string;
	/** Filled by preAuthentication; hidden and expirable. */
	sessionToken?: string;
	/** When sessionToken stops working (epoch ms); 0 or absent when agg.market did not say. */
	sessionExpiresAt?: number;
	/** The credential's "Allowed HTTP Request Domains" list, which the trigger's streams keep to. */
	domains?: DomainRestriction;
}

/**
 * The credential as both nodes use it, checked before any call: every agg.market call carries
 * the app id. The fields the nodes read are text (absent: ''); every stored field is kept as n8n
 * gave it, because the token keeper hands the credential back to n8n when it renews.
 */
export async function readAggMarketCredentials(ctx: Pick<FunctionsBase, 'getCredentials' | 'getNode'>): Promise<AggMarketCredentials> {
	const stored = await ctx.getCredentials(AGG_CREDENTIAL_TYPE);
	const credentials: AggMarketCredentials = {
		...(stored as Partial<AggMarketCredentials>),
		appId: String(stored.appId ?? ''),
		baseUrl: String(stored.baseUrl ?? ''),
		wsUrl: String(stored.wsUrl ?? ''),
		domains: domainRestrictionOf(stored, 'agg.market API'),
	};
	if (!credentials.appId) throw new NodeOperationError(ctx.getNode(), 'Credential → App ID is empty: your agg.market app ID is required');
	return credentials;
}

export interface AggMarketTokens {
	accessToken: string;
	/** The refresh token to use next time (rotated by the venue, or the same). */
	refreshToken?: string;
	/** When the access token stops working (epoch ms), when the venue says. */
	expiresAtMs?: number;
}

export class AggMarketAuthError extends Error {
	constructor(
		readonly kind: 'auth' | 'unavailable',
		message: string,
		readonly httpStatus?: number,
	) {
		super(message);
		this.name = 'AggMarketAuthError';
	}
}

/** An AggMarketAuthError anywhere in an error's cause chain (n8n wraps what preAuthentication threw). */
export function findAuthError(error: unknown): AggMarketAuthError | undefined {
	return findCause<AggMarketAuthError>(error, 'AggMarketAuthError');
}

export const aggBase = (url: string) => url.trim().replace(/\/+$/, '');

/** The headers every call carries: the app id, and the Origin the app allows when one is set. */
export function appHeaders(credentials: AggMarketCredentials): Record<string, string> {
	const headers: Record<string, string> = { 'x-app-id': credentials.appId };
	if (credentials.origin) headers.Origin = credentials.origin;
	return headers;
}

type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/**
 * Gets a fresh access token with the refresh token; without one, the access token as given. The
 * refresh is bounded like every REST call (a total deadline of LOGIN_TIMEOUT_MS and a body cap):
 * it runs inside the credential's preAuthentication, where no caller's signal reaches it.
 */
export async function refreshAccessToken(httpRequest: HttpRequest, credentials: AggMarketCredentials): Promise<AggMarketTokens> {
	if (!credentials.refreshToken) {
		if (!credentials.accessToken) throw new AggMarketAuthError('auth', 'the credential has neither an access token nor a refresh token');
		return { accessToken: credentials.accessToken };
	}
	const path = credentials.refreshPath || '/auth/refresh';
	const refreshUrl = `${aggBase(credentials.baseUrl)}${path.startsWith('/') ? path : `/${path}`}`;
	let response: { status: number; body: unknown } | undefined;
	let unreachable: string | undefined;
	try {
		response = await exchange(
			httpRequest,
			{
				method: 'POST',
				url: refreshUrl,
				headers: appHeaders(credentials),
				body: { refreshToken: credentials.refreshToken },
				json: true,
				ignoreHttpStatusErrors: true,
			},
			{ timeoutMs: LOGIN_TIMEOUT_MS, maxBytes: MAX_RESPONSE_BYTES },
		);
	} catch (error) {
		unreachable = error instanceof ResponseLimitError ? error.message : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
	}
	if (!response) {
		throw new AggMarketAuthError(
			'unavailable',
			`cannot reach POST ${refreshUrl} to refresh the token (${inWords(unreachable)}): check the REST Base URL's host and port, and http vs https`,
		);
	}
	const body = (response.body ?? {}) as IDataObject;
	if (response.status >= 200 && response.status < 300 && typeof body.accessToken === 'string' && body.accessToken) {
		return {
			accessToken: body.accessToken,
			refreshToken: typeof body.refreshToken === 'string' && body.refreshToken ? body.refreshToken : credentials.refreshToken,
			expiresAtMs: epochMs(body.expiresAt),
		};
	}
	const error = (body.error ?? {}) as { code?: unknown; message?: unknown };
	// agg.market's own words, cut to a readable length (they go into the error n8n stores), the
	// tokens masked first: a cut through one would leave a part no redactor recognises.
	const tokens = new Redactor([credentials.refreshToken, credentials.accessToken]);
	const said =
		typeof error.message === 'string' ? truncateText(tokens.text(error.message), MAX_VENUE_MESSAGE_CHARS) : `HTTP ${response.status}`;
	const code = typeof error.code === 'string' && error.code ? ` (${truncateText(error.code, MAX_VENUE_MESSAGE_CHARS)})` : '';
	const kind = response.status === 400 || response.status === 401 || response.status === 403 ? 'auth' : 'unavailable';
	throw new AggMarketAuthError(kind, `agg.market refused the token refresh: ${said}${code}`, response.status);
}

/**
 * A network error code in words. n8n replaces the whole message of an error that contains a
 * well-known code (ECONNREFUSED, ENOTFOUND, …) with its own generic sentence, which would drop
 * the URL: the code is said in words instead.
 */
const NETWORK_CODES_IN_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host name lookup failed',
	ETIMEDOUT: 'timed out',
	ECONNABORTED: 'connection aborted',
	EHOSTUNREACH: 'host unreachable',
	EADDRNOTAVAIL: 'address not available',
};

function inWords(reason: string | undefined): string {
	return (reason && NETWORK_CODES_IN_WORDS[reason]) ?? reason ?? 'no answer';
}

function epochMs(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value > 1e12 ? value : value * 1000;
	if (typeof value === 'string') {
		const parsed = Date.parse(value);
		return Number.isNaN(parsed) ? undefined : parsed;
	}
	return undefined;
}

/**
 * The stream's access token (the token keeper). Renewal goes through n8n's own credential
 * machinery (the credential's preAuthentication, forced by an empty session token) rather than a
 * private refresh: agg.market may rotate refresh tokens on every use, and only n8n can store the new one
 * in the credential. A refresh kept in the trigger's memory would leave the credential holding a
 * spent refresh token, breaking the action node and the next activation.
 */
export class AggTokens {
	private readonly credentials: AggMarketCredentials;
	/** The venue refused the current token (an error answer, a 4001 close): renew before using it again. */
	private refused = false;

	constructor(
		private readonly ctx: ITriggerFunctions,
		credentials: AggMarketCredentials,
		private readonly redactor: Redactor,
	) {
		this.credentials = { ...credentials };
		this.redactor.add(credentials.accessToken).add(credentials.refreshToken).add(credentials.sessionToken);
	}

	get canRenew(): boolean {
		return Boolean(this.credentials.refreshToken);
	}

	/** When the current token stops working (epoch ms), when agg.market said. */
	get expiresAtMs(): number | undefined {
		const at = Number(this.credentials.sessionExpiresAt);
		return Number.isFinite(at) && at > 0 ? at : undefined;
	}

	/** The current token was refused: the next `current()` renews it first. */
	markRefused(): void {
		this.refused = true;
	}

	/**
	 * Reads the stored credential again (before a reconnect), so tokens changed in n8n are used
	 * by the next connection. A refused token that cannot be renewed is offered to the venue
	 * again: this runs on the slow retries after a refusal, and the venue may accept once more.
	 */
	async refreshCredentials(): Promise<void> {
		await this.reload();
		if (!this.canRenew) this.refused = false;
	}

	/**
	 * The token to authenticate with: renewed first when it was refused, when it expires within
	 * the renewal margin, or when its expiry is unknown and it can be renewed (so the expiry
	 * becomes known and an in-place renewal can be planned).
	 */
	async current(signal?: AbortSignal): Promise<string> {
		const token = this.credentials.sessionToken || this.credentials.accessToken;
		const expiresAt = this.expiresAtMs;
		const expiring = expiresAt !== undefined && expiresAt - renewalMargin(expiresAt - Date.now()) <= Date.now();
		if (this.canRenew && (this.refused || expiring || expiresAt === undefined || !token)) return await this.renew(signal);
		if (!token) throw new StreamFailure('auth', 'the agg.market API credential has neither an access token nor a refresh token');
		if (this.refused) {
			throw new StreamFailure('auth', 'agg.market refused the access token and the credential has no refresh token to renew it');
		}
		return token;
	}

	/**
	 * Asks n8n for a fresh token: an authenticated call with the session token emptied makes n8n
	 * run the credential's preAuthentication (the refresh) and store what it returns. The call
	 * itself reads the balances, which proves the new token works. Each attempt is bounded by
	 * LOGIN_TIMEOUT_MS; `signal` (the connect timeout, a closing trigger) ends it sooner.
	 */
	async renew(signal?: AbortSignal): Promise<string> {
		// The action node may have rotated the refresh token since: start from what n8n stores now.
		await this.reload();
		// Two users of one single-use refresh token race: if the other won, take its token pair.
		return await retryIfRotated({
			refreshTokenUsed: this.credentials.refreshToken,
			attempt: async () => await this.renewOnce(signal),
			mayBeRotation: () => !signal?.aborted,
			rereadRefreshToken: async () => {
				await this.reload();
				return this.credentials.refreshToken;
			},
		});
	}

	private async reload(): Promise<void> {
		const stored = await readAggMarketCredentials(this.ctx).catch(() => undefined);
		if (!stored) return;
		this.redactor.add(stored.sessionToken).add(stored.refreshToken);
		Object.assign(this.credentials, stored);
	}

	private async renewOnce(signal: AbortSignal | undefined): Promise<string> {
		if (!this.canRenew) {
			throw new StreamFailure('auth', 'agg.market refused the access token and the credential has no refresh token to renew it');
		}
		const node = this.ctx.getNode();
		const stored = node.credentials?.[AGG_CREDENTIAL_TYPE];
		const data: AggMarketCredentials & Record<string, unknown> = { ...this.credentials, sessionToken: '' };
		const credentialsDecrypted = { id: stored?.id ?? '', name: stored?.name ?? '', type: AGG_CREDENTIAL_TYPE, data: data as never };
		let failure: unknown;
		// Only the balance call's status matters (a status n8n threw comes back as an answer here).
		await exchange(
			(request) => this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, AGG_CREDENTIAL_TYPE, request, { credentialsDecrypted }),
			{ method: 'GET', url: `${aggBase(this.credentials.baseUrl)}/execution/balances`, json: true },
			{ timeoutMs: LOGIN_TIMEOUT_MS, maxBytes: MAX_RESPONSE_BYTES, signals: [signal] },
		).then(
			(answer) => {
				if (answer.status < 200 || answer.status >= 300) failure = { message: `HTTP ${answer.status}`, httpCode: String(answer.status) };
			},
			(error: unknown) => {
				failure = error;
			},
		);
		if (failure instanceof RequestCancelledError) throw failure;
		// n8n writes the refreshed fields into `data` before the call that proves them.
		const renewed = data.sessionToken;
		if (renewed) {
			this.redactor.add(renewed).add(data.refreshToken);
			Object.assign(this.credentials, data);
			this.refused = false;
		}
		// A token that came back is used even if the balance call then failed: the socket will tell.
		if (renewed) return renewed;
		throw this.asStreamFailure(failure);
	}

	private asStreamFailure(error: unknown): StreamFailure {
		const authError = findAuthError(error);
		if (authError) {
			const kind = authError.kind === 'auth' ? 'auth' : 'unreachable';
			return new StreamFailure(kind, this.redactor.text(authError.message), { httpStatus: authError.httpStatus });
		}
		if (error instanceof ResponseLimitError) {
			return new StreamFailure('unreachable', `agg.market token renewal failed: ${error.message}`);
		}
		const said = this.redactor.text((error as Error | undefined)?.message ?? 'no token came back');
		const status = Number((error as { httpCode?: string } | undefined)?.httpCode);
		const refused = status === 401 || status === 403;
		return new StreamFailure(refused ? 'auth' : 'unreachable', `agg.market token renewal failed: ${said}`, {
			httpStatus: Number.isFinite(status) ? status : undefined,
		});
	}
}
