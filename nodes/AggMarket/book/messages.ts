/**
 * The three order-book messages of agg.market, checked by hand: this runs per frame, and a bad
 * frame must become a reason the engine can count, never an exception. Tolerant where it costs
 * nothing: numbers may arrive as numeric strings, a missing change list means "no change".
 */

/** One price level, as the keeper stores and hands it out (never mutated once built). */
export type Level = {
	readonly price: number;
	readonly totalSize: number;
	/** The venue's per-venue breakdown, passed through unchanged when present. */
	readonly venues?: unknown;
};

export interface SnapshotMessage {
	type: 'orderbook_snapshot';
	outcomeId: string;
	seq: number;
	checksum?: number;
	bids: Level[];
	asks: Level[];
}

export interface DeltaMessage {
	type: 'orderbook_delta';
	outcomeId: string;
	seq: number;
	/** Of the book after this delta; absent means there is nothing to verify. */
	checksum?: number;
	/** `totalSize` 0 removes the level. */
	bidChanges: Level[];
	askChanges: Level[];
}

export interface ResolvedMessage {
	type: 'market_resolved';
	outcomeId: string;
}

export type BookMessage = SnapshotMessage | DeltaMessage | ResolvedMessage;

export type ParsedBookMessage = { ok: true; message: BookMessage } | { ok: false; reason: string; outcomeId?: string };

/** Thrown only inside this module, to unwind out of nested reads; parseBookMessage catches it. */
class Malformed {
	constructor(readonly reason: string) {}
}

export function parseBookMessage(value: unknown): ParsedBookMessage {
	let outcomeId: string | undefined;
	try {
		const frame = asRecord(value, '(frame)');
		outcomeId = readOutcomeId(frame);
		switch (frame.type) {
			case 'orderbook_snapshot':
				return {
					ok: true,
					message: {
						type: 'orderbook_snapshot',
						outcomeId,
						seq: readSeq(frame),
						checksum: readChecksum(frame),
						bids: readLevels(frame, 'bids'),
						asks: readLevels(frame, 'asks'),
					},
				};
			case 'orderbook_delta':
				return {
					ok: true,
					message: {
						type: 'orderbook_delta',
						outcomeId,
						seq: readSeq(frame),
						checksum: readChecksum(frame),
						bidChanges: readLevels(frame, 'bidChanges'),
						askChanges: readLevels(frame, 'askChanges'),
					},
				};
			case 'market_resolved':
				return { ok: true, message: { type: 'market_resolved', outcomeId } };
			default:
				return { ok: false, reason: `type: not an order-book message (${describe(frame.type)})`, outcomeId };
		}
	} catch (error) {
		if (error instanceof Malformed) return { ok: false, reason: error.reason, outcomeId };
		return { ok: false, reason: `unreadable frame (${String(error)})`, outcomeId };
	}
}

function asRecord(value: unknown, path: string): Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new Malformed(`${path}: expected an object, got ${describe(value)}`);
	}
	return value as Record<string, unknown>;
}

function readOutcomeId(frame: Record<string, unknown>): string {
	const id = frame.outcomeId;
	if (typeof id === 'string' && id !== '') return id;
	if (typeof id === 'number' && Number.isFinite(id)) return String(id);
	throw new Malformed(`outcomeId: expected a non-empty string, got ${describe(id)}`);
}

function readSeq(frame: Record<string, unknown>): number {
	const seq = toNumber(frame.seq);
	if (seq === undefined || !Number.isSafeInteger(seq) || seq < 0) {
		throw new Malformed(`seq: expected a non-negative integer, got ${describe(frame.seq)}`);
	}
	return seq;
}

function readChecksum(frame: Record<string, unknown>): number | undefined {
	if (frame.checksum === undefined || frame.checksum === null) return undefined;
	const checksum = toNumber(frame.checksum);
	if (checksum === undefined || !Number.isInteger(checksum)) {
		throw new Malformed(`checksum: expected an integer, got ${describe(frame.checksum)}`);
	}
	// A venue may print the CRC as a signed 32-bit integer: compare it unsigned.
	return checksum >>> 0;
}

function readLevels(frame: Record<string, unknown>, field: string): Level[] {
	const raw = frame[field];
	if (raw === undefined || raw === null) return [];
	if (!Array.isArray(raw)) throw new Malformed(`${field}: expected an array, got ${describe(raw)}`);
	const levels: Level[] = new Array(raw.length);
	for (let index = 0; index < raw.length; index++) {
		const path = `${field}.${index}`;
		const entry = asRecord(raw[index], path);
		const price = toNumber(entry.price);
		if (price === undefined || price < 0) {
			throw new Malformed(`${path}.price: expected a non-negative number, got ${describe(entry.price)}`);
		}
		const totalSize = toNumber(entry.totalSize);
		if (totalSize === undefined || totalSize < 0) {
			throw new Malformed(`${path}.totalSize: expected a non-negative number, got ${describe(entry.totalSize)}`);
		}
		const level: Level = entry.venues === undefined ? { price, totalSize } : { price, totalSize, venues: entry.venues };
		rememberSentText(level, entry.price, entry.totalSize);
		levels[index] = level;
	}
	return levels;
}

/** Numbers the venue sent as text other than JavaScript prints them (`"0.550"`), for a checksum over the text as sent. */
const sentTexts = new WeakMap<object, { price?: string; totalSize?: string }>();

function rememberSentText(level: Level, price: unknown, totalSize: unknown): void {
	const priceText = typeof price === 'string' && price.trim() !== String(level.price) ? price.trim() : undefined;
	const sizeText = typeof totalSize === 'string' && totalSize.trim() !== String(level.totalSize) ? totalSize.trim() : undefined;
	if (priceText !== undefined || sizeText !== undefined) sentTexts.set(level, { price: priceText, totalSize: sizeText });
}

/** The text a level's numbers came as, where it differs from how JavaScript prints them. */
export function sentText(level: object): { price?: string; totalSize?: string } | undefined {
	return sentTexts.get(level);
}

function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && value.trim() !== '') {
		const parsed = Number(value);
		return Number.isFinite(parsed) ? parsed : undefined;
	}
	return undefined;
}

function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
	if (typeof value === 'object') return 'an object';
	return String(value);
}
