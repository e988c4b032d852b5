/**
 * The bench's own helpers, not its figures (speed is measured only by `npm run bench`): the
 * load is made of valid Totalis frames with the item count it promises, and framed correctly.
 */
import { benchBooks, formatBookBench } from '../../tools/bench/books';
import { buildFrames, encodeBody, encodeTextFrame, markerFrame } from '../../tools/bench/frames';
import { median } from '../../tools/bench/stats';
import { TotalisWebSocketProtocol } from '../../nodes/Totalis/stream/protocol';

/** Reads server→client text frames back from bytes. */
function unframe(bytes: Buffer): string[] {
	const texts: string[] = [];
	let offset = 0;
	while (offset < bytes.length) {
		expect(bytes[offset]).toBe(0x81);
		let length = bytes[offset + 1];
		offset += 2;
		if (length === 126) {
			length = bytes.readUInt16BE(offset);
			offset += 2;
		} else if (length === 127) {
			length = Number(bytes.readBigUInt64BE(offset));
			offset += 8;
		}
		texts.push(bytes.toString('utf8', offset, offset + length));
		offset += length;
	}
	return texts;
}

describe('bench load', () => {
	it('builds real Totalis events that become exactly the promised number of items', async () => {
		const set = await buildFrames(500);
		expect(set.items).toBe(500);
		const protocol = new TotalisWebSocketProtocol('key', { marketMakerQuotes: true, rfqIds: [] });
		const kinds = set.texts.map((text) => protocol.decode({ value: JSON.parse(text), text, bytes: text.length }).kind);
		expect(new Set(kinds)).toEqual(new Set(['event']));
		// Every acceptance comes as a pair, which the merge turns into one item.
		expect(set.mix['quote:accepted']).toBe(set.mix['mm_quote:accepted']);
		expect(set.texts.length - set.mix['mm_quote:accepted']).toBe(500);
		expect(Object.keys(set.mix).length).toBeGreaterThanOrEqual(8);
	});

	it('frames every size of payload and cuts chunks on frame boundaries', () => {
		const texts = ['{}', 'x'.repeat(125), 'y'.repeat(126), 'z'.repeat(70_000), markerFrame('end'), 'é'.repeat(100)];
		const body = encodeBody(texts, 200);
		expect(body.bytes).toBe(body.chunks.reduce((sum, chunk) => sum + chunk.length, 0));
		expect(body.chunks.flatMap((chunk) => unframe(chunk))).toEqual(texts);
		expect(unframe(encodeTextFrame('hello'))).toEqual(['hello']);
	});

	it('takes the median', () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(median([])).toBeNaN();
	});
});

describe('bench: the agg.market keeper', () => {
	it('applies every delta the simulated venue builds, checksums verified, and reports each path against parsing', () => {
		const result = benchBooks(2_000, 5, 1);
		expect(result.deltas).toBe(2_000);
		for (const ns of [result.parseNs, result.keeperNs, result.keeperNoChecksumNs]) expect(ns).toBeGreaterThan(0);
		expect(formatBookBench(result)).toMatch(/parse \+ keeper, checksums verified\s+[\d.]+ µs\/delta\s+[\d.]+× parse/);
	});
});
