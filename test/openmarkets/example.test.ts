/**
 * The Score Line of examples/openmarkets-line-moves.json against each dialect's contest state:
 * OpenMarkets does not document the state, so the example reads the score in either shape. (The
 * whole workflow runs in a real n8n in test/e2e/openMarkets.e2e.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { DIALECTS, startSimulator, type VenueSimulator } from 'trading-venues-simulator';

interface ExampleNode {
	name: string;
	parameters: { jsCode?: string };
}

const example = JSON.parse(readFileSync(join(__dirname, '../../examples/openmarkets-line-moves.json'), 'utf8')) as { nodes: ExampleNode[] };
const scoreLine = example.nodes.find((node) => node.name === 'Score Line')!.parameters.jsCode!;

/** Runs the Code node's JavaScript with n8n's `$('Game State')` and `$input` as the workflow hands them over. */
function runScoreLine(gameState: IDataObject, contest: IDataObject): IDataObject {
	const $ = (name: string) => {
		expect(name).toBe('Game State');
		return { first: () => ({ json: gameState }) };
	};
	const $input = { first: () => ({ json: contest }) };
	// The example's own code, run as n8n's Code node runs it: a function body.
	const out = new Function('$', '$input', scoreLine)($, $input) as Array<{ json: IDataObject }>;
	return out[0].json;
}

describe.each(DIALECTS.openmarkets)('the OpenMarkets example in dialect %s', (dialect) => {
	let sim: VenueSimulator;

	beforeAll(async () => {
		sim = await startSimulator({ openmarkets: { contests: 1, dialect } });
	});

	afterAll(async () => {
		await sim.close();
	});

	it('writes the score line of a state change', () => {
		const contest = sim.openmarkets.contests()[0];
		const { type, ...data } = sim.openmarkets.setContestStatus(contest.id, 'live', { home_score: 12, away_score: 9, period: 'Q1' });
		const item = { venue: 'openmarkets', event: type, data };
		expect(runScoreLine(item as unknown as IDataObject, { ...contest })).toEqual({
			contest: contest.id,
			title: contest.title,
			status: 'live',
			score: '12-9',
			period: 'Q1',
		});
	});

	it('writes no score before the contest starts', () => {
		const contest = sim.openmarkets.addContest({ league_id: 'lg_nba' });
		const { type, ...data } = sim.openmarkets.setContestStatus(contest.id, 'scheduled');
		expect(runScoreLine({ event: type, data } as unknown as IDataObject, { ...contest })).toMatchObject({
			status: 'scheduled',
			score: null,
		});
	});
});
