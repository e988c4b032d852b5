/**
 * The log recorder: every line any node writes through `this.logger`, so tests can look for
 * leaked secrets. Importing this module installs it as n8n-core's Logger (what n8n's CLI package
 * would otherwise provide).
 */
import 'reflect-metadata';
import { Container } from '@n8n/di';
import { Logger } from '@n8n/backend-common';

export interface LogLine {
	level: string;
	message: string;
	meta?: unknown;
}

export const logLines: LogLine[] = [];
const logListeners: Array<(line: LogLine) => void> = [];

/** Also hands every log line to `listener` (the demo prints warnings); returns how to stop. */
export function onLog(listener: (line: LogLine) => void): () => void {
	logListeners.push(listener);
	return () => {
		const index = logListeners.indexOf(listener);
		if (index >= 0) logListeners.splice(index, 1);
	};
}

function record(level: string) {
	return (message: string, meta?: unknown) => {
		const line = { level, message, meta };
		logLines.push(line);
		// Bounded, so a long demo run does not grow without end.
		if (logLines.length > 20_000) logLines.splice(0, 10_000);
		for (const listener of [...logListeners]) listener(line);
	};
}

const recordingLogger = {
	error: record('error'),
	warn: record('warn'),
	info: record('info'),
	debug: record('debug'),
	scoped() {
		return recordingLogger;
	},
};
Container.set(Logger, recordingLogger as unknown as Logger);

/** Everything logged so far, as one string, for "the secret never appears" assertions. */
export function allLogText(): string {
	return logLines.map((line) => `${line.level} ${line.message} ${safeJson(line.meta)}`).join('\n');
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value, (_key, inner: unknown) =>
			inner instanceof Error ? { name: inner.name, message: inner.message, stack: inner.stack } : inner,
		);
	} catch {
		return String(value);
	}
}
