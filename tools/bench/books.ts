/**
 * The agg.market order-book keeper's cost per delta, against JSON.parse of the same frames (what
 * any client pays), in the same process: frames are real deltas with checksums, built by the
 * simulator's books; the keeper applies them in order with and without checksum verification.
 */
import { OrderBooks } from '../../nodes/AggMarket/book';
import { AggOrderBooks as VenueBooks, buildAggCatalog as buildCatalog, Random } from 'trading-venues-simulator';

export interface BookBenchResult {
	deltas: number;
	outcomes: number;
	/** Median nanoseconds per frame. */
	parseNs: number;
	keeperNs: number;
	keeperNoChecksumNs: number;
}

function buildFrames(outcomeCount: number, deltas: number) {
	const outcomes = buildCatalog(Math.ceil(outcomeCount / 2)).slice(0, outcomeCount);
	const random = new Random(7);
	const venue = new VenueBooks(outcomes, random);
	const snapshots = outcomes.map((outcome) => JSON.stringify(venue.snapshot(outcome.outcomeId)));
	const frames: string[] = [];
	for (let index = 0; index < deltas; index++) {
		const { outcomeId } = outcomes[index % outcomes.length];
		const { bidChanges, askChanges } = venue.randomChanges(outcomeId);
		frames.push(JSON.stringify(venue.apply(outcomeId, bidChanges, askChanges)));
	}
	return { snapshots, frames };
}

function timeNs(run: () => void, frames: number): number {
	const started = process.hrtime.bigint();
	run();
	return Number(process.hrtime.bigint() - started) / frames;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function benchBooks(deltas = 100_000, outcomes = 20, reps = 5): BookBenchResult {
	const { snapshots, frames } = buildFrames(outcomes, deltas);
	const keep = (verifyChecksum: boolean) => () => {
		const books = new OrderBooks({ verifyChecksum });
		for (const snapshot of snapshots) books.apply(JSON.parse(snapshot));
		for (const frame of frames) {
			const result = books.apply(JSON.parse(frame));
			if (result.kind !== 'updated') throw new Error(`bench: the keeper refused a delta (${result.kind})`);
		}
	};
	let sink = 0;
	const parse = () => {
		for (const frame of frames) sink += (JSON.parse(frame) as { seq: number }).seq;
	};
	const samples = { parse: [] as number[], keeper: [] as number[], keeperNoChecksum: [] as number[] };
	for (let rep = 0; rep <= reps; rep++) {
		const parseNs = timeNs(parse, frames.length);
		const keeperNs = timeNs(keep(true), frames.length);
		const keeperNoChecksumNs = timeNs(keep(false), frames.length);
		// The first round warms the JIT up.
		if (rep === 0) continue;
		samples.parse.push(parseNs);
		samples.keeper.push(keeperNs);
		samples.keeperNoChecksum.push(keeperNoChecksumNs);
	}
	if (sink < 0) throw new Error('unreachable');
	return {
		deltas: frames.length,
		outcomes,
		parseNs: median(samples.parse),
		keeperNs: median(samples.keeper),
		keeperNoChecksumNs: median(samples.keeperNoChecksum),
	};
}

export function formatBookBench(result: BookBenchResult): string {
	const line = (label: string, ns: number) =>
		`  ${label.padEnd(44)} ${(ns / 1000).toFixed(2).padStart(7)} µs/delta  ${(ns / result.parseNs).toFixed(2).padStart(6)}× parse  ${Math.round(
			1e9 / ns,
		)
			.toLocaleString('en-US')
			.padStart(10)} deltas/s`;
	return [
		`agg.market order-book keeper: ${result.deltas.toLocaleString('en-US')} deltas over ${result.outcomes} books, median of runs`,
		line('JSON.parse only (baseline)', result.parseNs),
		line('parse + keeper, checksums verified', result.keeperNs),
		line('parse + keeper, checksums off', result.keeperNoChecksumNs),
	].join('\n');
}
