/** The self-running venue (option `autoplay`, `startAutoplay`): liquidity moves, now and then a score or a refresh. */
import type { TimerGroup, TimerHandle } from '../clock';
import type { Random } from '../random';

export interface AutoplayDeps {
	timers: TimerGroup;
	random: Random;
	/** Contests that move: scheduled or live, at each tick. */
	active(): Array<{ id: string; status: string }>;
	moveLiquidity(contestId: string): void;
	requireRefresh(contestId: string): void;
	/** A goal, a basket: one more point for one side of a live contest. */
	score(contestId: string): void;
}

const SCORE_CHANCE = 0.05;
const REFRESH_CHANCE = 0.02;

export class Autoplay {
	private timer: TimerHandle | undefined;

	constructor(private readonly deps: AutoplayDeps) {}

	get running(): boolean {
		return this.timer !== undefined;
	}

	start(intervalMs: number): void {
		this.stop();
		this.timer = this.deps.timers.every(intervalMs, () => this.tick());
	}

	stop(): void {
		this.deps.timers.cancel(this.timer);
		this.timer = undefined;
	}

	private tick(): void {
		const { random } = this.deps;
		const contests = this.deps.active();
		if (contests.length === 0) return;
		const contest = random.pick(contests);
		const roll = random.next();
		if (roll < REFRESH_CHANCE) return this.deps.requireRefresh(contest.id);
		if (roll < REFRESH_CHANCE + SCORE_CHANCE && contest.status === 'live') return this.deps.score(contest.id);
		this.deps.moveLiquidity(contest.id);
	}
}
