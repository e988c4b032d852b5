/**
 * The bench's own helpers, not its figures (speed is measured only by `npm run bench`): the
 * load is made of valid Totalis frames with the item count it promises, and framed correctly.
 */
import { benchBooks, formatBookBench } from '../../tools/bench/books';
import { buildFrames, encodeBody, encodeTextFrame, markerFrame } from '../../tools/bench/frames';
import type { MemoryFigures } from '../../tools/bench/ipc';
import { summarizeMemory } from '../../tools/bench/report';
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

	it("rates the long run's measured phase alone against the raw client's: frames/s and CPU per frame", () => {
		const figures = (client: MemoryFigures['client'], measuredWallMs: number, measuredCpuMs: number): MemoryFigures => ({
			client,
			frames: 3_000_000,
			measuredFrames: 2_000_000,
			items: 3_000_000,
			executions: 0,
			// The whole run, warm-up included: not what the steady state is read from.
			wallMs: 99_999,
			measuredWallMs,
			measuredCpuMs,
			peakRssBytes: 1,
			peakHeapBytes: 1,
			peakYoungGenerationBytes: 1,
			samples: 1,
			heapAfterGc: { connected: 0, warmed: 0, end: 0, closed: 0 },
		});
		const [raw, engine] = summarizeMemory([figures('raw', 4_000, 3_000), figures('engine-batch', 5_000, 4_800)]);
		expect(raw.framesPerSec).toBe(500_000);
		expect(raw.cpuUsPerFrame).toBe(1.5);
		expect(engine.framesPerSec).toBe(400_000);
		expect(engine.cpuUsPerFrame).toBe(2.4);
		expect(engine.framesPerSecVsRaw).toBeCloseTo(0.8, 10);
		expect(engine.cpuPerFrameVsRaw).toBeCloseTo(1.6, 10);
		expect(raw.cpuPerFrameVsRaw).toBe(1);
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
