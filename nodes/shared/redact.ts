/**
 * Keeps secrets out of everything a person or a log can read. A Redactor knows the secrets of
 * one trigger or request (API keys, passwords, tokens) and scrubs them, and any credential-like
 * query parameter, from text before it is logged, thrown or put in an item.
 */

const SECRET_QUERY_PARAMS = /([?&](?:api[_-]?key|apikey|token|access[_-]?token|key|secret|password|jwt)=)[^&#\s"']*/gi;
const MASK = '***';

/** Replaces the value of credential-like query parameters (`?api_key=…`, `&token=…`) with ***. */
export function redactUrl(url: string): string {
	return url.replace(SECRET_QUERY_PARAMS, `$1${MASK}`);
}

export class Redactor {
	private readonly secrets = new Set<string>();

	constructor(secrets: Iterable<unknown> = []) {
		for (const secret of secrets) this.add(secret);
	}

	/** Registers a secret; short values are ignored because masking them would mangle ordinary text. */
	add(secret: unknown): this {
		if (typeof secret === 'string' && secret.length >= 6) {
			this.secrets.add(secret);
			const encoded = encodeURIComponent(secret);
			if (encoded !== secret) this.secrets.add(encoded);
		}
		return this;
	}

	text(value: string): string {
		let result = redactUrl(value);
		for (const secret of this.secrets) {
			if (result.includes(secret)) result = result.split(secret).join(MASK);
		}
		return result;
	}

	/** Scrubs an Error's message and stack in place and returns it. */
	error<E extends Error>(error: E): E {
		error.message = this.text(error.message);
		if (error.stack) error.stack = this.text(error.stack);
		return error;
	}

	/** Redacts every string inside a JSON-like value (a copy; the input is not changed). */
	value<T>(value: T): T {
		if (typeof value === 'string') return this.text(value) as T;
		if (Array.isArray(value)) return value.map((entry) => this.value(entry)) as T;
		if (value && typeof value === 'object') {
			const copy: Record<string, unknown> = {};
			for (const [key, entry] of Object.entries(value)) copy[key] = this.value(entry);
			return copy as T;
		}
		return value;
	}
}
