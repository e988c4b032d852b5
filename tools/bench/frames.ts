/**
 * The load: real Totalis frames, made by the simulator's own market (a hand-driven clock, a
 * fixed seed) exactly as its WebSocket gateway serializes them, then framed for the wire once
 * so the load generator spends no CPU per frame while the clients are measured.
 */
import { ManualClock, TotalisSimulator, type SettlementPlan } from 'trading-venues-simulator';

/** How one quote of ours ends; the cycle below sets the mix. */
type Scenario = SettlementPlan | 'lost' | 'withdrawn' | 'expired';

/** 20 rounds: mostly trades that settle, some lost to a rival, a few withdrawn, expired, voided or failed. */
const CYCLE: readonly Scenario[] = [
	'win',
	'loss',
	'lost',
	'win',
	'withdrawn',
	'loss',
	'win',
	'lost',
	'win',
	'expired',
	'loss',
	'lost',
	'win',
	'cancelled',
	'loss',
	'withdrawn',
	'win',
	'lost',
	'error',
	'win',
];
/** The most items one round yields (a settled trade: merged acceptance, confirmed, executed, created, settled). */
const MAX_ITEMS_PER_ROUND = 5;

export interface FrameSet {
	texts: string[];
	/** Items after the acceptance merge: an accepted pair counts once. */
	items: number;
	mix: Record<string, number>;
}

/**
 * Frames that become exactly `items` items on the engine path: whole trade lifecycles, topped
 * up with single-frame rounds (a withdrawn quote) so the count is exact.
 */
export async function buildFrames(items: number, seed = 20260601): Promise<FrameSet> {
	const clock = new ManualClock();
	const sim = new TotalisSimulator(
		{ baseUrl: 'http://127.0.0.1:0', wsBaseUrl: 'ws://127.0.0.1:0' },
		{ clock, seed, requestTtlMs: 3_600_000 },
	);
	const ours = `mm:quotes:${sim.mmId}`;
	const set: FrameSet = { texts: [], items: 0, mix: {} };
	// Only what a socket on our market maker's channel receives, with our trades' rfq: channels
	// (Follow My Trades: position events come there), serialized as the gateway does.
	const off = sim.events.on('ws:event', ({ channels, type, data }) => {
		if (!channels.some((channel) => channel === ours || channel.startsWith('rfq:'))) return;
		set.texts.push(JSON.stringify({ type, data }));
		set.mix[type] = (set.mix[type] ?? 0) + 1;
		if (type !== 'mm_quote:accepted') set.items++;
	});
	try {
		for (let round = 0; set.items < items; round++) {
			const fill = items - set.items <= MAX_ITEMS_PER_ROUND;
			playRound(sim, clock, fill ? 'withdrawn' : CYCLE[round % CYCLE.length], round);
		}
	} finally {
		off();
		await sim.close();
	}
	if (set.items !== items) throw new Error(`built ${set.items} items, wanted ${items}`);
	return set;
}

function playRound(sim: TotalisSimulator, clock: ManualClock, scenario: Scenario, round: number) {
	const market = sim.market;
	const request = sim.createQuoteRequest();
	const quote = sim.addOurQuote(request.id, { payoutOdds: 1.5 + (round % 9) * 0.35 });
	const rival = sim.addCompetitorQuote(request.id);
	switch (scenario) {
		case 'lost':
			sim.acceptQuote(rival.id);
			break;
		case 'withdrawn':
			market.withdrawQuote(sim.mmId, request.id);
			sim.removeQuoteRequest(request.id, 'cancelled');
			break;
		case 'expired':
			sim.acceptQuote(quote.id);
			clock.advance(market.timing.confirmationWindowMs + 1);
			break;
		default: {
			const acceptance = sim.acceptQuote(quote.id, { settlement: scenario });
			market.confirmQuote(sim.mmId, acceptance.quoteId);
			clock.advance(market.timing.executeDelayMs);
			clock.advance(market.timing.settleDelayMs);
		}
	}
	clock.advance(37);
}

/** The frame that ends a blast: a real event type, so every stage passes it, with an id no trade has. */
export function markerFrame(marker: string): string {
	return JSON.stringify({ type: 'quote:executed', data: { quote_id: marker, rfq_id: marker } });
}

/** Length of a server→client (unmasked) WebSocket frame header for a payload of `length` bytes. */
function headerLength(length: number): number {
	return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

function writeHeader(target: Buffer, offset: number, length: number): number {
	target[offset] = 0x81; // FIN + text
	if (length < 126) {
		target[offset + 1] = length;
		return offset + 2;
	}
	if (length < 65_536) {
		target[offset + 1] = 126;
		target.writeUInt16BE(length, offset + 2);
		return offset + 4;
	}
	target[offset + 1] = 127;
	target.writeBigUInt64BE(BigInt(length), offset + 2);
	return offset + 10;
}

/** One text frame as bytes on the wire. */
export function encodeTextFrame(text: string): Buffer {
	const length = Buffer.byteLength(text);
	const frame = Buffer.allocUnsafe(headerLength(length) + length);
	frame.write(text, writeHeader(frame, 0, length), 'utf8');
	return frame;
}

export interface EncodedBody {
	/** Slices of one buffer, each ending on a frame boundary, so a frame `ws` sends in between (a pong) cannot split one. */
	chunks: Buffer[];
	bytes: number;
}

/** Frames every text into one buffer and cuts it into chunks of at least `chunkBytes`. */
export function encodeBody(texts: readonly string[], chunkBytes: number): EncodedBody {
	const lengths = texts.map((text) => Buffer.byteLength(text));
	const total = lengths.reduce((sum, length) => sum + headerLength(length) + length, 0);
	const buffer = Buffer.allocUnsafe(total);
	const chunks: Buffer[] = [];
	let offset = 0;
	let chunkStart = 0;
	texts.forEach((text, index) => {
		offset = writeHeader(buffer, offset, lengths[index]);
		offset += buffer.write(text, offset, 'utf8');
		if (offset - chunkStart >= chunkBytes) {
			chunks.push(buffer.subarray(chunkStart, offset));
			chunkStart = offset;
		}
	});
	if (chunkStart < offset) chunks.push(buffer.subarray(chunkStart, offset));
	return { chunks, bytes: total };
}
