/**
 * The OpenMarkets stream over several connections: OpenMarkets allows a few connections per
 * key and a couple of hundred contests per connection, so the followed contests are spread over
 * as few connections as fit. A follow rule is re-read on an interval; contests join and leave
 * the live sockets without reconnecting, and a connection is added when the ones open are full. Full books (REST snapshots) are emitted when a contest is subscribed, when the
 * venue says `refresh_required`, and for every contest of a connection after it reconnects.
 * Contest → Watch runs it too, on one connection.
 */
import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';

import type { EngineHooks, StreamRunner } from '../../shared/delivery/triggerHost';
import { EngineGroup, shardsOf } from '../../shared/engine/engineGroup';
import { StreamFailure } from '../../shared/engine/errors';
import type { StreamEngine } from '../../shared/engine/StreamEngine';
import type { StreamRest } from './contestSource';
import { contestsOfRule, LOOKBACK_MS, MAX_PAGES_PER_LEAGUE, type FollowRule, type RuleSelection } from './followRule';
import { OpenMarketsProtocol, type OpenMarketsChannel } from './protocol';
import { SnapshotQueue } from './snapshotQueue';

export interface ShardLimits {
	maxConnections: number;
	maxContestsPerConnection: number;
}

export type ContestSelection = { kind: 'list'; contestIds: string[] } | { kind: 'rule'; rule: FollowRule; refreshMs: number };

export interface ShardedStreamOptions {
	/** The trigger or action context, for the node its errors name. */
	ctx: { getNode(): INode };
	hooks: EngineHooks;
	rest: StreamRest;
	selection: ContestSelection;
	limits: ShardLimits;
	channels: OpenMarketsChannel[];
	/** Emit each contest's full book when it is first subscribed (reconnects and refreshes always do). */
	snapshotOnSubscribe: boolean;
	/** Builds one connection's engine. */
	createEngine(protocol: OpenMarketsProtocol, onConnected: (connectionId: number) => void): StreamEngine;
}

interface Shard {
	protocol: OpenMarketsProtocol;
	engine: StreamEngine;
	connected: boolean;
}

export class ShardedStream implements StreamRunner {
	private readonly shards: Shard[] = [];
	/** Numbers the connections (the items' `shard`), never reusing one that was dropped. */
	private shardsOpened = 0;
	private readonly snapshots: SnapshotQueue;
	private refreshTimer: NodeJS.Timeout | undefined;
	private refreshing: Promise<void> | undefined;
	private stopped = false;
	/** What the last limit report said, so a persisting excess is reported once. */
	private lastExcess = 0;
	/** Whether a rule matching nothing was reported, so it is reported once until it matches again. */
	private ruleEmptyReported = false;
	/** How many listed contests had no readable start at the last report, so the log says it once. */
	private lastWithoutStart = 0;

	constructor(private readonly options: ShardedStreamOptions) {
		this.snapshots = new SnapshotQueue(options.rest, options.hooks.logger, (contestId) => this.shardOf(contestId));
	}

	async start(): Promise<void> {
		const { wanted, rule } = await this.wanted();
		const capacity = this.capacity();
		if (wanted.length > capacity) {
			const { maxConnections, maxContestsPerConnection } = this.options.limits;
			throw new NodeOperationError(
				this.options.ctx.getNode(),
				`${wanted.length} contests are more than OpenMarkets allows one API key: ${maxConnections} connections × ${maxContestsPerConnection} contests = ${capacity}`,
				{
					description:
						'Follow fewer leagues or a shorter window, list fewer contests, or raise Max Connections / Max Contests per Connection if your key allows more.',
				},
			);
		}
		const chunks = shardsOf(wanted, this.options.limits.maxContestsPerConnection);
		// One connection even with no contest yet: it proves the key, and a rule may add contests later.
		if (chunks.length === 0) chunks.push([]);
		const shards = chunks.map((contests) => this.addShard(contests));
		await new EngineGroup(shards.map((shard) => shard.engine)).start().catch(async (error: unknown) => {
			// The group stopped its engines; the refresh timer and book reads stop here.
			await this.stop('after a failed start');
			throw error;
		});
		if (rule) this.reportRule(rule);
		const { selection } = this.options;
		if (selection.kind === 'rule') {
			this.refreshTimer = setInterval(() => {
				this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
			}, selection.refreshMs);
		}
	}

	/** Resolves once every full book asked for so far has been emitted (or reported as failed). */
	snapshotsSettled(): Promise<void> {
		return this.snapshots.idle();
	}

	async stop(reason = 'stopped'): Promise<void> {
		this.stopped = true;
		clearInterval(this.refreshTimer);
		this.snapshots.dispose();
		await this.refreshing?.catch(() => {});
		await Promise.all(this.shards.map((shard) => shard.engine.stop(reason)));
	}

	/** Re-reads the follow rule and moves the live subscriptions to it. */
	async refresh(): Promise<void> {
		if (this.stopped) return;
		let wanted: string[];
		let rule: RuleSelection | undefined;
		try {
			({ wanted, rule } = await this.wanted());
		} catch (error) {
			this.options.hooks.logger.warn(
				`OpenMarkets: could not refresh the followed contests (${(error as Error).message}); keeping the current ones`,
			);
			return;
		}
		if (this.stopped) return;
		if (rule) this.reportRule(rule);
		this.reportExcess(wanted);
		const keep = new Set(wanted.slice(0, this.capacity()));
		const added: string[] = [];
		for (const shard of this.shards) {
			const current = shard.protocol.contestIds;
			if (current.some((id) => !keep.has(id))) shard.protocol.setContests(current.filter((id) => keep.has(id)));
		}
		const held = new Set(this.shards.flatMap((shard) => shard.protocol.contestIds));
		const pending = [...keep].filter((id) => !held.has(id));
		for (const shard of this.shards) {
			const room = this.options.limits.maxContestsPerConnection - shard.protocol.contestIds.length;
			if (room <= 0 || pending.length === 0) continue;
			const joining = pending.splice(0, room);
			shard.protocol.setContests([...shard.protocol.contestIds, ...joining]);
			if (shard.connected) added.push(...joining);
		}
		for (const contests of shardsOf(pending, this.options.limits.maxContestsPerConnection)) {
			const shard = this.addShard(contests);
			shard.engine.start().catch((error: unknown) => this.dropShard(shard, error));
		}
		if (this.options.snapshotOnSubscribe) for (const contestId of added) this.snapshots.request(contestId, 'subscribed');
	}

	/**
	 * A connection added at a refresh that could not open gives its contests back, for the next
	 * refresh to place again. A refused key is reported as the engines report a refusal after
	 * start (a trigger stays active), or ends a stream that has no such report (an action's).
	 */
	private dropShard(shard: Shard, error: unknown): void {
		const index = this.shards.indexOf(shard);
		if (index >= 0) this.shards.splice(index, 1);
		if (error instanceof StreamFailure && error.permanent) {
			const { onRefused, onFatal } = this.options.hooks;
			if (!onRefused) {
				onFatal?.(error);
				return;
			}
			const retryInMs = this.options.selection.kind === 'rule' ? this.options.selection.refreshMs : 0;
			onRefused(error, { attempts: 1, sinceMs: Date.now(), retryInMs });
		}
		this.options.hooks.logger.warn(
			`OpenMarkets: an added connection did not open (${(error as Error).message}); its ${shard.protocol.contestIds.length} contest(s) wait for the next refresh`,
		);
	}

	private addShard(contests: string[]): Shard {
		const index = ++this.shardsOpened;
		const protocol = new OpenMarketsProtocol(index, contests, this.options.channels, {
			refreshRequired: (contestId) => this.snapshots.request(contestId, 'refresh_required'),
		});
		const shard: Shard = { protocol, engine: undefined as unknown as StreamEngine, connected: false };
		shard.engine = this.options.createEngine(protocol, () => {
			const reconnected = shard.connected;
			shard.connected = true;
			if (!reconnected && !this.options.snapshotOnSubscribe) return;
			for (const contestId of protocol.contestIds) this.snapshots.request(contestId, reconnected ? 'reconnect' : 'subscribed');
		});
		this.shards.push(shard);
		return shard;
	}

	private shardOf(contestId: string): { engine: StreamEngine; protocol: OpenMarketsProtocol } | undefined {
		return this.shards.find((shard) => shard.protocol.contestIds.includes(contestId));
	}

	private capacity(): number {
		return this.options.limits.maxConnections * this.options.limits.maxContestsPerConnection;
	}

	private async wanted(): Promise<{ wanted: string[]; rule?: RuleSelection }> {
		const { selection, rest } = this.options;
		if (selection.kind === 'list') return { wanted: selection.contestIds };
		const rule = await contestsOfRule(rest, selection.rule);
		return { wanted: rule.contestIds, rule };
	}

	/**
	 * What a reading of the rule found that the workflow should know: nothing to follow (a log line
	 * and a `follow_rule.empty` item, once until the rule matches again), contests without a start
	 * the trigger can read, and leagues listed past the page bound (log lines).
	 */
	private reportRule(found: RuleSelection): void {
		const { selection, hooks } = this.options;
		if (selection.kind !== 'rule') return;
		const { leagueIds, withinHours } = selection.rule;
		if (found.withoutStart !== this.lastWithoutStart && found.withoutStart > 0) {
			hooks.logger.warn(
				`OpenMarkets: ${found.withoutStart} listed contest(s) carry no start time the trigger can read (starts_at or start_time); they are not followed`,
			);
		}
		this.lastWithoutStart = found.withoutStart;
		if (found.truncated.length > 0) {
			hooks.logger.warn(
				`OpenMarkets: stopped listing the contests of ${found.truncated.join(', ')} after ${MAX_PAGES_PER_LEAGUE} pages; the follow rule uses those read`,
			);
		}
		if (found.contestIds.length > 0) {
			if (this.ruleEmptyReported) hooks.logger.info(`OpenMarkets: the follow rule matches ${found.contestIds.length} contest(s) again`);
			this.ruleEmptyReported = false;
			return;
		}
		if (this.ruleEmptyReported) return;
		const minutes = Number((selection.refreshMs / 60_000).toFixed(2));
		const message =
			`The follow rule matches no contest: OpenMarkets listed ${found.listed} contest(s) of ${leagueIds.join(', ')}, ` +
			`none unfinished and starting between ${LOOKBACK_MS / 3600_000} h ago and ${withinHours} h from now. ` +
			`The trigger stays connected and reads the rule again every ${minutes} min.`;
		hooks.logger.warn(`OpenMarkets: ${message}`);
		const first = this.shards[0];
		// Not streaming now (reconnecting): the next refresh says it again.
		const told = first?.engine.inject(
			first.protocol.event('follow_rule.empty', {
				leagueIds,
				withinHours,
				listed: found.listed,
				withoutStart: found.withoutStart,
				message,
			}),
		);
		this.ruleEmptyReported = told === true;
	}

	/** More contests than the limits allow at a refresh: the soonest are kept, and an item says which were left out. */
	private reportExcess(wanted: string[]): void {
		const capacity = this.capacity();
		const excess = Math.max(0, wanted.length - capacity);
		if (excess === this.lastExcess) return;
		this.lastExcess = excess;
		if (excess === 0) return;
		const leftOut = wanted.slice(capacity);
		this.options.hooks.logger.warn(
			`OpenMarkets: the follow rule selects ${wanted.length} contests, ${excess} over the limits; following the ${capacity} soonest`,
		);
		const first = this.shards[0];
		first?.engine.inject(
			first.protocol.event('subscription_limit', {
				selected: wanted.length,
				followed: capacity,
				leftOut: leftOut as unknown as IDataObject[],
				message: `The follow rule selects ${wanted.length} contests; the limits allow ${capacity}: the latest-starting ${excess} are not followed`,
			}),
		);
	}
}
