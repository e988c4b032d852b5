/**
 * A child's stdout and stderr: every line appended to a log file, and the last lines kept in
 * memory for error messages (n8n's start-up failures are explained in its output).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

export class OutputLog {
	private readonly lines: string[] = [];
	private readonly file: WriteStream;
	private readonly partial = new Map<string, string>();

	constructor(
		readonly path: string,
		private readonly maxLines = 300,
		private readonly onLine?: (line: string, stream: string) => void,
	) {
		this.file = createWriteStream(path, { flags: 'a' });
	}

	capture(stream: Readable, name: string): void {
		stream.setEncoding('utf8');
		stream.on('data', (chunk: string) => {
			const text = (this.partial.get(name) ?? '') + chunk;
			const parts = text.split('\n');
			this.partial.set(name, parts.pop() ?? '');
			for (const line of parts) this.add(line, name);
		});
		stream.on('end', () => {
			const rest = this.partial.get(name);
			if (rest) this.add(rest, name);
			this.partial.delete(name);
		});
	}

	/** The last `count` lines (default all kept). */
	tail(count = this.maxLines): string {
		return this.lines.slice(-count).join('\n');
	}

	/** Lines seen so far (only the kept ones). */
	recent(): readonly string[] {
		return this.lines;
	}

	close(): Promise<void> {
		return new Promise((resolve) => this.file.end(resolve));
	}

	private add(line: string, stream: string): void {
		this.lines.push(line);
		if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
		this.file.write(`${line}\n`);
		this.onLine?.(line, stream);
	}
}
