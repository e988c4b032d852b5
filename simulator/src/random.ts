/**
 * Seedable randomness: a fixed seed replays the same market, which keeps failing runs reproducible.
 */
const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export class Random {
	private state: number;

	constructor(seed: number = Date.now() ^ (process.pid << 16)) {
		this.state = seed >>> 0 || 0x9e3779b9;
	}

	/** mulberry32: small, fast and good enough for test data. */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** An integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		if (items.length === 0) throw new Error('pick from an empty list');
		return items[this.int(0, items.length - 1)];
	}

	/** `count` distinct items in random order. */
	sample<T>(items: readonly T[], count: number): T[] {
		const pool = [...items];
		const chosen: T[] = [];
		while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(this.int(0, pool.length - 1), 1)[0]);
		return chosen;
	}

	bytes(length: number): Uint8Array {
		const out = new Uint8Array(length);
		for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
		return out;
	}

	hex(length: number): string {
		let out = '';
		while (out.length < length) out += this.int(0, 15).toString(16);
		return out;
	}

	/** A version-4-shaped UUID. */
	uuid(): string {
		const h = this.hex(32).split('');
		h[12] = '4';
		h[16] = '89ab'[this.int(0, 3)];
		const s = h.join('');
		return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
	}

	/** Base58 of random bytes: the look of Solana addresses (32 bytes) and signatures (64 bytes). */
	base58(byteLength: number): string {
		return encodeBase58(this.bytes(byteLength));
	}
}

export function encodeBase58(bytes: Uint8Array): string {
	let value = 0n;
	for (const byte of bytes) value = (value << 8n) | BigInt(byte);
	let out = '';
	while (value > 0n) {
		out = BASE58_ALPHABET[Number(value % 58n)] + out;
		value /= 58n;
	}
	for (const byte of bytes) {
		if (byte !== 0) break;
		out = '1' + out;
	}
	return out;
}
