/**
 * The fault matrix (issue 10) for the OpenMarkets Trigger, spread over two connections (one
 * contest each): every row holds for each shard. The driver and what each row asserts:
 * test/harness/faultMatrix.ts.
 */
import type { IDataObject } from 'n8n-workflow';
import type { VenueSimulator } from 'trading-venues-simulator';

import { OpenMarketsApi } from '../../credentials/OpenMarketsApi.credentials';
import { OpenMarketsTrigger } from '../../nodes/OpenMarkets/OpenMarketsTrigger.node';
import {
	describeFaultMatrix,
	dropRow,
	hugeFrameRow,
	malformedFramesRow,
	notApplicableRow,
	onOrigin,
	outageRow,
	oversizedFrameRow,
	refusedCredentialsRow,
	silentSocketRow,
	type MatrixVenue,
} from '../harness/faultMatrix';
import { N8nHarness, simulatorCredentials } from '../harness/n8n';

const FAST = { heartbeatIntervalMs: 100, silenceTimeoutMs: 800, connectTimeoutMs: 1500, reconnectMaxDelayMs: 50 };
const SHARDS = 2;
/** Our id rides in `available`, above any size the simulator makes up. */
const ID_BASE = 1_000_000;

/** The contests followed, in shard order: shard n holds contest n-1. */
const followed = (sim: VenueSimulator) =>
	sim.openmarkets
		.contests()
		.slice(0, SHARDS)
		.map((contest) => contest.id);
const shardOfId = (id: number) => ((id - 1) % SHARDS) + 1;

const openMarkets: MatrixVenue = {
	name: 'OpenMarkets (2 connections)',
	harness: new N8nHarness({ nodes: { openMarketsTrigger: OpenMarketsTrigger }, credentialTypes: [OpenMarketsApi] }),
	nodeType: 'openMarketsTrigger',
	credentialType: 'openMarketsApi',
	simulator: { openmarkets: { contests: 4 } },
	credentials: (sim) => simulatorCredentials(sim).openMarketsApi,
	// No books at start, so the first item after a fault is one the fault concerns (reconnects still bring books).
	parameters: (sim) => ({
		contests: 'list',
		contestIds: followed(sim).join(','),
		channels: ['liquidity'],
		snapshotOnSubscribe: false,
		options: { ...FAST, maxContestsPerConnection: 1 },
	}),
	connections: SHARDS,
	mount: (sim) => sim.openmarkets,
	openConnections: (sim) => sim.openmarkets.connectionCount(),
	connectionEvents: (sim) => (wake) => {
		const stops = [sim.openmarkets.events.on('ws:connection', wake), sim.openmarkets.events.on('ws:closed', wake)];
		return () => stops.forEach((stop) => stop());
	},
	onSubscribed: (sim, listener) =>
		sim.openmarkets.events.on('ws:subscribe', ({ connectionId, channel }) => channel === 'liquidity' && listener(connectionId)),
	publish: (sim, id) => {
		const contestId = followed(sim)[shardOfId(id) - 1];
		const [entry] = sim.openmarkets.liquidity(contestId).positions[0].partner_liquidities;
		let recipients = 0;
		const stop = sim.openmarkets.events.on('liquidity:update', (update) => {
			if (update.contestId === contestId) recipients += update.recipients;
		});
		sim.openmarkets.moveLiquidity(contestId, [{ liquidity_hash: entry.liquidity_hash, available: ID_BASE + id }]);
		stop();
		return recipients;
	},
	idOf: (item) => {
		const available = (item.data as IDataObject).available;
		return item.event === 'liquidity.update' && typeof available === 'number' && available > ID_BASE ? available - ID_BASE : undefined;
	},
	shardOf: (item) => item.shard as number,
	shardOfId,
	silence: (sim, on) => (on ? sim.openmarkets.faults.silence() : sim.openmarkets.faults.resume()),
	sendMalformed: (sim, kind) => sim.openmarkets.faults.sendMalformed(kind),
	atOrigin: (sim, origin) => ({ streamUrl: onOrigin(sim.openmarkets.streamUrl, origin.ws) }),
};

describeFaultMatrix(openMarkets, {
	runtime: [
		dropRow(),
		silentSocketRow(),
		outageRow(3000),
		notApplicableRow(
			'token expiry',
			'OpenMarkets takes a long-lived API key in the URL; nothing expires. A revoked key is the refused-credentials row',
		),
		malformedFramesRow(),
		oversizedFrameRow('replaced'),
		{
			fault: 'unknown event type: ignored (OpenMarkets frames of other types are control traffic)',
			kind: 'frame',
			apply: ({ sim }) => {
				expect(sim.openmarkets.faults.sendRaw({ type: 'contest_odds.future_thing', contest_id: followed(sim)[0] })).toBe(SHARDS);
			},
			connection: 'kept',
			gap: null,
			check: ({ itemsSinceFault }) => {
				expect(itemsSinceFault().filter((item) => item.event === 'contest_odds.future_thing')).toEqual([]);
			},
		},
		{
			...refusedCredentialsRow({
				// Revoking closes both sockets (1008) and refuses upgrades with 401 until restored.
				refuse: (sim) => {
					expect(sim.openmarkets.faults.revokeKey()).toBe(SHARDS);
				},
				accept: (sim) => sim.openmarkets.faults.restoreKey(),
				onRefused: (sim, listener) => sim.openmarkets.events.on('ws:rejected', ({ status }) => status === 401 && listener()),
			}),
		},
		hugeFrameRow((sim, bytes) =>
			sim.openmarkets.faults.sendRaw({
				type: 'liquidity.update',
				contest_id: followed(sim)[0],
				changed_entries: [],
				refresh_required: false,
				timestamp: new Date().toISOString(),
				padding: 'x'.repeat(bytes),
			}),
		),
	],
	activation: [
		{
			fault: 'refused connection: nothing listens at the stream URL',
			endpoint: 'refused',
			error:
				/^Cannot reach OpenMarkets: cannot connect to ws:\/\/127\.0\.0\.1:\d+\/openmarkets\/flow\/v1\/stream\?api_key=\*\*\*: .*ECONNREFUSED/,
		},
		{
			fault: 'unresolvable host',
			endpoint: 'unresolvable',
			error:
				/^Cannot reach OpenMarkets: cannot connect to ws:\/\/fault-matrix\.invalid:\d+\/openmarkets\/flow\/v1\/stream\?api_key=\*\*\*: .*(ENOTFOUND|EAI_AGAIN)/,
		},
		{
			fault: "TLS failure: wss:// to the simulator's plain HTTP port",
			endpoint: 'tls',
			error: /^Cannot reach OpenMarkets: cannot connect to wss:\/\/127\.0\.0\.1:\d+\/openmarkets\/flow\/v1\/stream\?api_key=\*\*\*: .*TLS/,
		},
	],
});
