/**
 * Each contest's liquidity: positions (a market's side, e.g. the home moneyline) with the price
 * and size each partner offers. Pure state: no sockets, no timers.
 *
 * A liquidity hash names partner, contest, market, side, variant, participant and timeframe, as
 * in the docs' `kalshi:ct_abc123:mk_ml:side_home:var_0:p_kc:tf_full`; a position hash is a digest
 * of the same without the partner [inferred: the docs show no position hash].
 */
import { createHash } from 'node:crypto';
import type { Random } from '../random';
import type { Contest, League } from './catalog';

export const PARTNERS = [
	{ partner_id: 'kalshi', partner_name: 'Kalshi' },
	{ partner_id: 'polymarket', partner_name: 'Polymarket' },
	{ partner_id: 'novig', partner_name: 'Novig' },
	{ partner_id: 'prophetx', partner_name: 'ProphetX' },
] as const;

export interface PartnerLiquidity {
	partner_id: string;
	partner_name: string;
	/** 0..1: the price of one contract paying 1 if the side wins. */
	price: number;
	/** Size on offer at that price. */
	available: number;
	liquidity_hash: string;
}

export interface Position {
	position_hash: string;
	contest_id: string;
	title: string;
	market_key: string;
	side_key: string;
	participant_id: string | null;
	/** The mean of the partners' prices. */
	consensus_price: number;
	partner_liquidities: PartnerLiquidity[];
}

export interface ContestLiquidity {
	contest_id: string;
	positions: Position[];
}

/** One entry of `liquidity.update.changed_entries`. */
export interface ChangedEntry {
	liquidity_hash: string;
	partner_id: string;
	price: number;
	available: number;
}

/** What `moveLiquidity` may set on one entry; what is left out stays. */
export interface LiquidityChange {
	liquidity_hash: string;
	price?: number;
	available?: number;
}

export interface DepthLevel {
	price: number;
	available: number;
}

/** `GET /depth/{position_hash}` [inferred shape]: per partner, levels from the best price outwards. */
export interface PositionDepth extends Omit<Position, 'consensus_price' | 'partner_liquidities'> {
	partners: Array<{ partner_id: string; partner_name: string; liquidity_hash: string; levels: DepthLevel[] }>;
}

interface Side {
	market: string;
	side: string;
	variant: string;
	participantId: string | null;
	title: string;
	fair: number;
}

interface Teams {
	home: { id: string; name: string };
	away: { id: string; name: string };
}

const DEPTH_LEVELS = 5;
const SIZE_STEP = 50;
/** Spread and total lines by sport. */
const LINES: Record<string, { spread: [number, number]; total: [number, number] }> = {
	basketball: { spread: [1.5, 9.5], total: [210.5, 235.5] },
	american_football: { spread: [1.5, 7.5], total: [38.5, 52.5] },
	ice_hockey: { spread: [1.5, 1.5], total: [5.5, 6.5] },
	soccer: { spread: [0.5, 1.5], total: [2.5, 3.5] },
};

export class LiquidityBooks {
	private readonly byContest = new Map<string, Position[]>();
	private readonly byHash = new Map<string, { position: Position; entry: PartnerLiquidity }>();
	private readonly byPosition = new Map<string, Position>();

	constructor(private readonly random: Random) {}

	/** Builds the book of a new contest: moneyline, spread and total, each side quoted by two to four partners. */
	create(contest: Contest, league: League, teams: Teams): void {
		const positions = this.sides(league, teams).map((side) => this.position(contest.id, side));
		this.byContest.set(contest.id, positions);
		for (const position of positions) {
			this.byPosition.set(position.position_hash, position);
			for (const entry of position.partner_liquidities) this.byHash.set(entry.liquidity_hash, { position, entry });
		}
	}

	has(contestId: string): boolean {
		return this.byContest.has(contestId);
	}

	/** The full book, as `GET /contests/{id}/liquidity` has it (a copy). */
	book(contestId: string): ContestLiquidity {
		const positions = this.byContest.get(contestId);
		if (!positions) throw new Error(`unknown contest ${contestId}`);
		return { contest_id: contestId, positions: structuredClone(positions) };
	}

	/** Sets prices and sizes; throws before changing anything when an entry is unknown, not of this contest, or a value is out of range. */
	apply(contestId: string, changes: readonly LiquidityChange[]): ChangedEntry[] {
		const found = changes.map((change) => {
			const hit = this.byHash.get(change.liquidity_hash);
			if (!hit || hit.position.contest_id !== contestId)
				throw new Error(`unknown liquidity_hash ${change.liquidity_hash} in contest ${contestId}`);
			if (change.price !== undefined && !(change.price >= 0 && change.price <= 1))
				throw new Error(`price ${change.price} is not within 0..1`);
			if (change.available !== undefined && !(change.available >= 0)) throw new Error(`available ${change.available} is negative`);
			return { change, ...hit };
		});
		const touched = new Set<Position>();
		for (const { change, position, entry } of found) {
			if (change.price !== undefined) entry.price = change.price;
			if (change.available !== undefined) entry.available = change.available;
			touched.add(position);
		}
		for (const position of touched) position.consensus_price = consensus(position.partner_liquidities);
		return found.map(({ entry }) => changedEntry(entry));
	}

	/** One to three entries of the contest, each nudged by a cent or two and a new size. */
	randomChanges(contestId: string): LiquidityChange[] {
		const entries = this.entries(contestId);
		return this.random.sample(entries, this.random.int(1, Math.min(3, entries.length))).map((entry) => this.nudge(entry));
	}

	/** Every entry of one partner in the contest: what a partner re-sending its whole book changes. */
	partnerRefresh(contestId: string): LiquidityChange[] {
		const entries = this.entries(contestId);
		const partner = this.random.pick(entries).partner_id;
		return entries.filter((entry) => entry.partner_id === partner).map((entry) => this.nudge(entry));
	}

	depth(positionHash: string): PositionDepth | undefined {
		const position = this.byPosition.get(positionHash);
		if (!position) return undefined;
		const { consensus_price: _consensus, partner_liquidities: _entries, ...named } = position;
		return {
			...named,
			partners: position.partner_liquidities.map(({ partner_id, partner_name, liquidity_hash, price, available }) => ({
				partner_id,
				partner_name,
				liquidity_hash,
				levels: depthLevels(price, available),
			})),
		};
	}

	private entries(contestId: string): PartnerLiquidity[] {
		const positions = this.byContest.get(contestId);
		if (!positions) throw new Error(`unknown contest ${contestId}`);
		return positions.flatMap((position) => position.partner_liquidities);
	}

	private nudge(entry: PartnerLiquidity): LiquidityChange {
		const price = clampPrice(entry.price + this.random.pick([-0.02, -0.01, 0.01, 0.02]));
		const available = roundSize(entry.available * (0.5 + this.random.next()));
		return { liquidity_hash: entry.liquidity_hash, price, available };
	}

	private sides(league: League, { home, away }: Teams): Side[] {
		const { random } = this;
		const lines = LINES[league.sport] ?? LINES.basketball;
		const draw = league.has_draw ? round2(0.22 + random.next() * 0.08) : 0;
		const homeShare = 0.3 + random.next() * 0.4;
		const spread = pickLine(random, lines.spread);
		const total = pickLine(random, lines.total);
		const near = (): number => 0.47 + random.next() * 0.06;
		const sides: Side[] = [
			{
				market: 'mk_ml',
				side: 'side_home',
				variant: 'var_0',
				participantId: home.id,
				title: `${home.name} to win`,
				fair: (1 - draw) * homeShare,
			},
			{
				market: 'mk_ml',
				side: 'side_away',
				variant: 'var_0',
				participantId: away.id,
				title: `${away.name} to win`,
				fair: (1 - draw) * (1 - homeShare),
			},
		];
		if (league.has_draw)
			sides.push({ market: 'mk_ml', side: 'side_draw', variant: 'var_0', participantId: null, title: 'Draw', fair: draw });
		const homeSpread = near();
		sides.push(
			{
				market: 'mk_spread',
				side: 'side_home',
				variant: `var_-${spread}`,
				participantId: home.id,
				title: `${home.name} -${spread}`,
				fair: homeSpread,
			},
			{
				market: 'mk_spread',
				side: 'side_away',
				variant: `var_${spread}`,
				participantId: away.id,
				title: `${away.name} +${spread}`,
				fair: 1 - homeSpread,
			},
		);
		const over = near();
		sides.push(
			{ market: 'mk_total', side: 'side_over', variant: `var_${total}`, participantId: null, title: `Over ${total}`, fair: over },
			{ market: 'mk_total', side: 'side_under', variant: `var_${total}`, participantId: null, title: `Under ${total}`, fair: 1 - over },
		);
		return sides;
	}

	private position(contestId: string, side: Side): Position {
		const key = `${contestId}:${side.market}:${side.side}:${side.variant}:${side.participantId ?? 'p_none'}:tf_full`;
		const partners = this.random.sample(PARTNERS, this.random.int(2, PARTNERS.length));
		const partner_liquidities = PARTNERS.filter((p) => partners.includes(p)).map(({ partner_id, partner_name }) => ({
			partner_id,
			partner_name,
			// A partner's price carries its margin over the fair price, plus its own view.
			price: clampPrice(side.fair + 0.01 + (this.random.next() - 0.5) * 0.04),
			available: roundSize(100 + this.random.next() * 19_900),
			liquidity_hash: `${partner_id}:${key}`,
		}));
		return {
			position_hash: createHash('sha256').update(key).digest('hex').slice(0, 16),
			contest_id: contestId,
			title: side.title,
			market_key: side.market,
			side_key: side.side,
			participant_id: side.participantId,
			consensus_price: consensus(partner_liquidities),
			partner_liquidities,
		};
	}
}

function changedEntry({ liquidity_hash, partner_id, price, available }: PartnerLiquidity): ChangedEntry {
	return { liquidity_hash, partner_id, price, available };
}

/** Worse prices further out, with more size at each: derived from the top, so depth needs no state of its own. */
function depthLevels(price: number, available: number): DepthLevel[] {
	const levels: DepthLevel[] = [];
	for (let i = 0; i < DEPTH_LEVELS; i++) {
		const levelPrice = round2(price + i * 0.01);
		if (levelPrice > 0.99 && i > 0) break;
		levels.push({ price: levelPrice, available: i === 0 ? available : roundSize(available * (1 + i * 0.6)) });
	}
	return levels;
}

function consensus(entries: readonly PartnerLiquidity[]): number {
	if (entries.length === 0) return 0;
	return Math.round((entries.reduce((sum, entry) => sum + entry.price, 0) / entries.length) * 1000) / 1000;
}

function pickLine(random: Random, [low, high]: [number, number]): number {
	return low + random.int(0, high - low);
}

function clampPrice(value: number): number {
	return Math.min(0.99, Math.max(0.01, round2(value)));
}

function roundSize(value: number): number {
	return Math.max(0, Math.round(value / SIZE_STEP) * SIZE_STEP);
}

function round2(value: number): number {
	return Math.round(value * 100) / 100;
}
