/** The self-running market (startMarket): random book moves, and now and then an order of the default user. */
import type { TimerGroup, TimerHandle } from '../clock';
import type { Random } from '../random';
import { VENUES } from './catalog';
import type { OrderOutcome, PlaceOrderInput } from './orders';

export interface LiveMarketDeps {
	timers: TimerGroup;
	random: Random;
	intervalMs: number;
	/** Outcomes that move (the headline ones): unresolved at each tick. */
	movable(): string[];
	move(outcomeId: string): void;
	price(outcomeId: string): number;
	placeOrder(input: PlaceOrderInput): void;
}

const ORDER_CHANCE = 0.1;

export class AggLiveMarket {
	private timer: TimerHandle | undefined;

	constructor(private readonly deps: LiveMarketDeps) {}

	get running(): boolean {
		return this.timer !== undefined;
	}

	start(): void {
		if (this.timer) return;
		this.timer = this.deps.timers.every(this.deps.intervalMs, () => this.tick());
	}

	stop(): void {
		this.deps.timers.cancel(this.timer);
		this.timer = undefined;
	}

	private tick(): void {
		const { random } = this.deps;
		const outcomes = this.deps.movable();
		if (outcomes.length === 0) return;
		const outcomeId = random.pick(outcomes);
		this.deps.move(outcomeId);
		if (!random.chance(ORDER_CHANCE)) return;
		const outcome: OrderOutcome = random.pick(['fill', 'fill', 'partial', 'fail']);
		this.deps.placeOrder({
			venue: random.pick(VENUES),
			side: random.chance(0.7) ? 'buy' : 'sell',
			price: this.deps.price(outcomeId),
			size: random.int(1, 50),
			outcomeId,
			outcome,
		});
	}
}
