/** The URL of a call, from the credential's REST base URL and the call's path, and its safe display. */
import { errorMakerOf } from '../errorMaker';
import type { RequestJsonOptions, RestContext, Target } from './types';

/** Refuses a base URL that is not http(s) before anything is sent, naming the credential. */
export function resolveTarget(context: RestContext, options: RequestJsonOptions<unknown>): Target {
	let base: URL;
	try {
		base = new URL(options.baseUrl.trim());
	} catch {
		throw errorMakerOf(context).operationError(
			context.getNode(),
			options.redactor.text(`The REST Base URL of the ${options.venue} credential is not a valid URL: "${options.baseUrl}"`),
			{ description: 'Use a full URL such as https://api.example.com (with http:// or https://).', itemIndex: options.itemIndex },
		);
	}
	if (base.protocol !== 'http:' && base.protocol !== 'https:') {
		throw errorMakerOf(context).operationError(
			context.getNode(),
			options.redactor.text(
				`The REST Base URL of the ${options.venue} credential must start with http:// or https:// (it starts with ${base.protocol}//)`,
			),
			{ itemIndex: options.itemIndex },
		);
	}
	const basePath = base.pathname.replace(/\/+$/, '');
	const path = options.path.startsWith('/') ? options.path : `/${options.path}`;
	const { protocol, host } = base;
	base.pathname = `${basePath}${path}`;
	const { redactor } = options;
	// Worded only for an error: most calls never read them (the fast path confirms on this).
	return {
		url: base.href,
		get display() {
			return redactor.text(`${protocol}//${host}${basePath}`);
		},
		get host() {
			return redactor.text(host);
		},
	};
}
