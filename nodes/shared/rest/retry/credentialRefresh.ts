/**
 * A credential that logs in for a token (an expirable field filled by `preAuthentication`)
 * names `refreshCredentialOnStatus` (e.g. [401]). n8n's httpRequestWithAuthentication refreshes
 * such a credential and sends the request once more, but only when the request FAILS with that
 * status; so these statuses are sent as `ignoreHttpStatusErrors: {ignore: true, except}` while
 * every other status is still read as an answer. An n8n whose HTTP layer predates `except` hands
 * the status back as an answer: the request is then sent once more with status errors on, so n8n
 * refreshes and retries there too.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';
import type { RawResponse } from '../types';

/** One call's refresh; create one per call. */
export class CredentialRefresh {
	private resending = false;

	constructor(private readonly statuses: number[]) {}

	/** Which statuses n8n should throw instead of answering, for the next attempt. */
	statusErrors(): IHttpRequestOptions['ignoreHttpStatusErrors'] {
		if (this.resending) return false;
		return this.statuses.length > 0 ? { ignore: true, except: this.statuses } : true;
	}

	/** True once, for a refresh status that came back as an answer: send it again with status errors on. */
	resendFor(response: RawResponse): boolean {
		if (response.thrown || this.resending || !this.statuses.includes(response.status)) return false;
		this.resending = true;
		return true;
	}
}
