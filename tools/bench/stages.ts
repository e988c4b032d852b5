/**
 * The Totalis stages' own cost, without sockets: the bench's frames fed straight into what the
 * Totalis Trigger runs per frame after the transport (`JSON.parse`, the protocol with Follow My
 * Trades, an item envelope like the engine's, the copy check, the acceptance merge and the event
 * filter), against `JSON.parse` alone over the same frames. CPU time, in slices that the paths
 * take in turns, so the shared machine's changes of speed hit them alike; each figure is a median
 * over the slices. For A/B of changes to the stages, where `npm run bench`'s socket-to-emit
 * figures swing with the load.
 *
 * `npm run build:tools && node --expose-gc --max-semi-space-size=64 .build/tools/bench/stages.js`
 * (STAGES_ITEMS, STAGES_REPS; the large young generation leaves most slices without a collection,
 * so their heap growth is the bytes they allocated).
 * STAGES_AGAINST=<another checkout's .build> runs that build's stages too, alternating with this
 * one's in the same process: an A/B that the machine's load moves alike.
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';

import type { Frame } from '../../nodes/shared/engine/protocol';
import type { Delivered, StreamItem } from '../../nodes/shared/items';
import { buildFrames } from './frames';
import { fullGc, hasGc, median } from './stats';

type Modules = {
	stages: typeof import('../../nodes/shared/delivery/stages');
	merger: typeof import('../../nodes/Totalis/stream/acceptanceMerger');
	copies: typeof import('../../nodes/Totalis/stream/onceAcrossChannels');
	protocol: typeof import('../../nodes/Totalis/stream/protocol');
	schemas: typeof import('../../nodes/Totalis/stream/schemas');
	follower: typeof import('../../nodes/Totalis/stream/tradeFollower');
};

/** The stages as built under `root` (this build's `.build`, or another's for an A/B in one process). */
function modulesAt(root: string): Modules {
	const requireFrom = createRequire(join(root, 'index.js'));
	const load = (path: string) => requireFrom(join(root, path)) as unknown;
	return {
		stages: load('nodes/shared/delivery/stages') as Modules['stages'],
		merger: load('nodes/Totalis/stream/acceptanceMerger') as Modules['merger'],
		copies: load('nodes/Totalis/stream/onceAcrossChannels') as Modules['copies'],
		protocol: load('nodes/Totalis/stream/protocol') as Modules['protocol'],
		schemas: load('nodes/Totalis/stream/schemas') as Modules['schemas'],
		follower: load('nodes/Totalis/stream/tradeFollower') as Modules['follower'],
	};
}

const ITEMS = Number(process.env.STAGES_ITEMS ?? 200_000);
const REPS = Number(process.env.STAGES_REPS ?? 5);
/** Frames per measured slice: the paths take turns slice by slice, so a change in the machine's speed hits them alike. */
const SLICE = 10_000;
/**
 * Frames per turn of the event loop: about what one 64 KB socket read holds. What a stage does
 * once per turn (Follow My Trades tells the venue its channel changes) then runs as often as in
 * the engine.
 */
const FRAMES_PER_READ = 200;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** CPU microseconds (user + system) since `before`. */
function cpuMicrosSince(before: NodeJS.CpuUsage): number {
	const used = process.cpuUsage(before);
	return used.user + used.system;
}

/** The per-frame path as the Totalis Trigger builds it with the bench's settings (webSocketParts, setup.ts). */
function totalisPath(modules: Modules, sink: (delivered: Delivered) => void) {
	const { chainStages, eventFilter } = modules.stages;
	const { onceAcrossChannels, REMEMBERED_EVENTS } = modules.copies;
	const follower = new modules.follower.TradeFollower({ followForMs: 300_000 });
	// A connection that takes every channel change, as the venue would.
	const detach = follower.attach({ send: () => true, replace: () => {} });
	const protocol = new modules.protocol.TotalisWebSocketProtocol('bench', { marketMakerQuotes: true, rfqIds: [] }, follower);
	const merger = new modules.merger.AcceptanceMerger(150);
	const push = chainStages(
		[onceAcrossChannels(REMEMBERED_EVENTS, follower), merger, eventFilter([...modules.schemas.WEBSOCKET_EVENTS])],
		sink,
	);
	let sequence = 0;
	const frame = (text: string): Frame => ({ value: JSON.parse(text) as unknown, text, bytes: text.length, eventName: undefined });
	return {
		feed(text: string) {
			const decoded = protocol.decode(frame(text));
			if (decoded.kind !== 'event') return;
			// The engine's envelope (StreamEngine.emit), with a fixed receivedAt: the clock is not a stage.
			const item: StreamItem = {
				venue: protocol.venue,
				source: protocol.source,
				event: decoded.event,
				data: decoded.data as StreamItem['data'],
				receivedAt: '2026-12-06T00:00:00.000Z',
				connection: { id: 1, sequence: ++sequence },
				gap: null,
			};
			push({
				item,
				key: decoded.key,
				deduplicationKey: decoded.deduplicationKey,
				deduplicatedByKey: decoded.deduplicatedByKey,
				bytes: text.length,
			});
		},
		close() {
			merger.dispose();
			detach();
		},
	};
}

interface Figures {
	/** Median CPU µs per frame over the slices. */
	perFrame: number;
	/** Median over the slices of this path's time over the other's in the same turn. */
	against: Record<string, number>;
	/** Median bytes allocated per frame, over the slices no garbage collection ran in (its heap only grew). */
	bytes: number;
}

/** Feeds the frames to every path slice by slice, the paths taking turns (first in turn rotating), `reps` times over. */
async function measure(
	texts: readonly string[],
	paths: Record<string, Modules | undefined>,
	reps: number,
): Promise<Record<string, Figures>> {
	let sink = 0;
	const names = Object.keys(paths);
	const slices: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
	const allocated: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
	const feeders = () =>
		names.map((name) => {
			const modules = paths[name];
			// undefined: JSON.parse alone, the yardstick.
			if (!modules) return { name, feed: (text: string) => JSON.parse(text) !== null && sink++, close: () => {} };
			const path = totalisPath(modules, () => sink++);
			return { name, feed: path.feed, close: path.close };
		});
	// Warm-up: every path optimized before anything counts.
	for (const feeder of feeders()) {
		for (const text of texts) feeder.feed(text);
		feeder.close();
	}
	for (let rep = 0; rep < reps; rep++) {
		const current = feeders();
		fullGc();
		for (let start = 0, turn = 0; start < texts.length; start += SLICE, turn++) {
			const end = Math.min(texts.length, start + SLICE);
			for (let index = 0; index < current.length; index++) {
				const feeder = current[(index + turn) % current.length];
				const heapBefore = getHeapStatistics().used_heap_size;
				const before = process.cpuUsage();
				for (let read = start; read < end; read += FRAMES_PER_READ) {
					for (let frame = read; frame < Math.min(end, read + FRAMES_PER_READ); frame++) feeder.feed(texts[frame]);
					await nextTurn();
				}
				slices[feeder.name].push(cpuMicrosSince(before) / (end - start));
				const grown = getHeapStatistics().used_heap_size - heapBefore;
				if (grown > 0) allocated[feeder.name].push(grown / (end - start));
			}
		}
		for (const feeder of current) feeder.close();
	}
	// Read, so the loops' work cannot be optimized away.
	if (sink < 0) throw new Error('unreachable');
	const figures: Record<string, Figures> = {};
	for (const name of names) {
		const against: Record<string, number> = {};
		for (const other of names) {
			if (other !== name) against[other] = median(slices[name].map((micros, index) => micros / slices[other][index]));
		}
		figures[name] = { perFrame: median(slices[name]), against, bytes: median(allocated[name]) };
	}
	return figures;
}

async function main() {
	if (!hasGc()) process.stderr.write('note: run with node --expose-gc for a settled heap before each run\n');
	const { texts } = await buildFrames(ITEMS);
	const against = process.env.STAGES_AGAINST;
	const paths: Record<string, Modules | undefined> = { 'JSON.parse only': undefined, 'this build': modulesAt(join(__dirname, '../..')) };
	if (against) paths[`against ${against}`] = modulesAt(resolve(against));
	const loadBefore = loadavg()[0];
	const figures = await measure(texts, paths, REPS);
	const parse = 'JSON.parse only';
	let report = `${texts.length.toLocaleString('en-US')} frames × ${REPS}, medians over slices of ${SLICE.toLocaleString('en-US')} frames taken in turns, load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after:\n`;
	for (const [name, { perFrame, against, bytes }] of Object.entries(figures)) {
		const ratios = Object.entries(against)
			.map(([other, ratio]) => `${ratio.toFixed(3)}× ${other}`)
			.join(', ');
		const own = name === parse ? '' : ` (own ${(perFrame - figures[parse].perFrame).toFixed(3)} µs)`;
		report += `  ${name.padEnd(28)} ${perFrame.toFixed(3)} µs CPU per frame${own}, ${Math.round(bytes)} B allocated; ${ratios}\n`;
	}
	process.stdout.write(report);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
