/**
 * agg.market user tokens (docs/agg-market.md): an access token that expires and a refresh token
 * that gets a new one at the credential's Refresh Path (not documented publicly, so
 * configurable). Used by the credential's preAuthentication (REST) and by the trigger, which
 * refreshes by itself before the token expires and after a 401 close.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

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

export const aggBase = (url: string) => url.trim().replace(/\/+$/, '');

/** The headers every call carries: the app id, and the Origin the app allows when one is set. */
export function appHeaders(credentials: AggMarketCredentials): Record<string, string> {
	const headers: Record<string, string> = { 'x-app-id': credentials.appId };
	if (credentials.origin) headers.Origin = credentials.origin;
	return headers;
}

type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/** Gets a fresh access token with the refresh token; without one, the access token as given. */
export async function refreshAccessToken(httpRequest: HttpRequest, credentials: AggMarketCredentials): Promise<AggMarketTokens> {
	if (!credentials.refreshToken) {
		if (!credentials.accessToken) throw new AggMarketAuthError('auth', 'the credential has neither an access token nor a refresh token');
		return { accessToken: credentials.accessToken };
	}
	const path = credentials.refreshPath || '/auth/refresh';
	let response: { statusCode: number; body: unknown } | undefined;
	let unreachable: string | undefined;
	try {
		response = (await httpRequest({
			method: 'POST',
			url: `${aggBase(credentials.baseUrl)}${path.startsWith('/') ? path : `/${path}`}`,
			headers: appHeaders(credentials),
			body: { refreshToken: credentials.refreshToken },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
	} catch (error) {
		unreachable = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
	}
	if (!response) {
		throw new AggMarketAuthError('unavailable', `cannot reach agg.market at ${aggBase(credentials.baseUrl)} to refresh the token (${unreachable})`);
	}
	const body = (response.body ?? {}) as IDataObject;
	if (response.statusCode >= 200 && response.statusCode < 300 && typeof body.accessToken === 'string' && body.accessToken) {
		return {
			accessToken: body.accessToken,
			refreshToken: typeof body.refreshToken === 'string' && body.refreshToken ? body.refreshToken : credentials.refreshToken,
			expiresAtMs: epochMs(body.expiresAt),
		};
	}
	const error = (body.error ?? {}) as { code?: string; message?: string };
	const said = error.message ?? `HTTP ${response.statusCode}`;
	const kind = response.statusCode === 400 || response.statusCode === 401 || response.statusCode === 403 ? 'auth' : 'unavailable';
	throw new AggMarketAuthError(kind, `agg.market refused the token refresh: ${said}${error.code ? ` (${error.code})` : ''}`, response.statusCode);
}

function epochMs(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value > 1e12 ? value : value * 1000;
	if (typeof value === 'string') {
		const parsed = Date.parse(value);
		return Number.isNaN(parsed) ? undefined : parsed;
	}
	return undefined;
}
