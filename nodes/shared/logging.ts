/** n8n's logger as the engine and the collectors use it, with every secret the redactor knows scrubbed. */
import type { IDataObject } from 'n8n-workflow';

import type { EngineLogger } from './engine/StreamEngine';
import type { Redactor } from './redact';

/** Scrubs messages and metadata; `ctx` is any n8n context with a logger (trigger or action node), or a worker thread's bridge. */
export function redactingLogger(ctx: { logger: EngineLogger }, redactor: Redactor): EngineLogger {
	const scrub = (meta?: IDataObject) => (meta ? redactor.value(meta) : undefined);
	return {
		debug: (message, meta) => ctx.logger.debug(redactor.text(message), scrub(meta)),
		info: (message, meta) => ctx.logger.info(redactor.text(message), scrub(meta)),
		warn: (message, meta) => ctx.logger.warn(redactor.text(message), scrub(meta)),
		error: (message, meta) => ctx.logger.error(redactor.text(message), scrub(meta)),
	};
}
