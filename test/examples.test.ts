/**
 * The workflows of examples/ as a user imports them: one sticky note per flow that names its
 * trigger and says where money moves, notes that cover no node, execution saving chosen rather
 * than left to n8n's defaults, explanations in the notes rather than in Code-node comments, and
 * the market maker's quote race shown as a race. (test/e2e runs them in a real n8n.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ExampleNode {
	name: string;
	type: string;
	position: [number, number];
	parameters: Record<string, unknown>;
	onError?: string;
}

interface Example {
	name: string;
	nodes: ExampleNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
	settings?: Record<string, unknown>;
}

const EXAMPLES_DIR = join(__dirname, '..', 'examples');
const files = readdirSync(EXAMPLES_DIR).filter((file) => file.endsWith('.json'));
const examples: Array<[string, Example]> = files.map((file) => [
	file,
	JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Example,
]);

const STICKY_NOTE = 'n8n-nodes-base.stickyNote';
/** n8n draws a node as a 100 × 100 square from its position; a margin keeps notes clear of the edges. */
const NODE_SIZE = 100;
const MARGIN = 20;

const isTrigger = (node: ExampleNode) => /Trigger$/.test(node.type);
const notesOf = (example: Example) => example.nodes.filter((node) => node.type === STICKY_NOTE);
const content = (note: ExampleNode) => String(note.parameters.content);
/** A note's title: its first line, a Markdown heading. */
const title = (note: ExampleNode) => content(note).split('\n')[0];

interface Box {
	left: number;
	top: number;
	right: number;
	bottom: number;
}
const boxOf = (node: ExampleNode): Box =>
	node.type === STICKY_NOTE
		? {
				left: node.position[0],
				top: node.position[1],
				right: node.position[0] + Number(node.parameters.width),
				bottom: node.position[1] + Number(node.parameters.height),
			}
		: {
				left: node.position[0] - MARGIN,
				top: node.position[1] - MARGIN,
				right: node.position[0] + NODE_SIZE + MARGIN,
				bottom: node.position[1] + NODE_SIZE + MARGIN,
			};
const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

it('finds the examples', () => {
	expect(files.length).toBeGreaterThanOrEqual(5);
});

describe.each(examples)('%s', (_file, example) => {
	const triggers = example.nodes.filter(isTrigger);
	const notes = notesOf(example);

	it('has one sticky note per flow, titled with its trigger', () => {
		expect(triggers.length).toBeGreaterThan(0);
		expect(notes).toHaveLength(triggers.length);
		for (const trigger of triggers) {
			const titled = notes.filter((note) => title(note).startsWith(`## ${trigger.name} `) || title(note) === `## ${trigger.name}`);
			expect({ trigger: trigger.name, notes: titled.length }).toEqual({ trigger: trigger.name, notes: 1 });
			// The body names it too, bold, as the node reads on the canvas.
			expect(content(titled[0])).toContain(`**${trigger.name}**`);
		}
	});

	it('says in each note where money moves and what to change for real use', () => {
		for (const note of notes) {
			expect(content(note)).toMatch(/\*\*Money:\*\* \S/);
			expect(content(note)).toMatch(/\*\*For real use:\*\* \S/);
		}
	});

	it('places every note beside its flow without covering a node or another note', () => {
		const others = example.nodes.filter((node) => node.type !== STICKY_NOTE);
		for (const note of notes) {
			for (const node of others)
				expect({ note: note.name, covers: node.name, overlap: overlap(boxOf(note), boxOf(node)) }).toMatchObject({ overlap: false });
			for (const other of notes) if (other !== note) expect(overlap(boxOf(note), boxOf(other))).toBe(false);
			const trigger = triggers.find((candidate) => title(note).startsWith(`## ${candidate.name}`))!;
			const box = boxOf(note);
			expect(trigger.position[1]).toBeGreaterThanOrEqual(box.top);
			expect(trigger.position[1] + NODE_SIZE).toBeLessThanOrEqual(box.bottom);
		}
	});

	it('sets its execution saving deliberately, not by leaving n8n defaults, and says why in a note', () => {
		const settings = example.settings ?? {};
		expect(settings).toMatchObject({
			executionOrder: 'v1',
			saveDataSuccessExecution: expect.stringMatching(/^(all|none)$/),
			saveDataErrorExecution: 'all',
			saveExecutionProgress: false,
			saveManualExecutions: true,
		});
		expect(settings.executionTimeout).toEqual(expect.any(Number));
		expect(settings.executionTimeout as number).toBeGreaterThan(0);
		// n8n caps a workflow's timeout at EXECUTIONS_TIMEOUT_MAX, one hour by default.
		expect(settings.executionTimeout as number).toBeLessThanOrEqual(3600);
		const explained = notes.filter((note) => content(note).includes('**Executions saved:**'));
		expect(explained).toHaveLength(1);
		const saysSuccessesSaved = /successful ones too/.test(content(explained[0]));
		expect(saysSuccessesSaved).toBe(settings.saveDataSuccessExecution === 'all');
	});

	it('keeps Code nodes to one comment line: explanations live in the notes', () => {
		for (const node of example.nodes.filter((candidate) => candidate.type === 'n8n-nodes-base.code')) {
			const comments = String(node.parameters.jsCode)
				.split('\n')
				.filter((line) => line.trim().startsWith('//'));
			expect({ node: node.name, comments: comments.length }).toEqual({ node: node.name, comments: 1 });
		}
	});
});

describe.each(examples.filter(([, example]) => example.nodes.some((node) => node.name === 'Submit Quote')))(
	'%s: a quote race is shown as a race',
	(_file, example) => {
		const raceCheck = example.nodes.find((node) => node.name === 'Race Check')!;
		/** Runs the Race Check Code node's script on the given error-output items, as n8n's Code node would. */
		const runRaceCheck = (items: Array<Record<string, unknown>>) =>
			new Function('$input', String(raceCheck.parameters.jsCode))({ all: () => items.map((json) => ({ json })) }) as Array<{
				json: Record<string, unknown>;
			}>;
		const pricedItem = { event: 'quote_request', data: { id: 'rfq-1', version: 3 }, payoutOdds: 4.1 };

		it('Submit Quote continues on its error output, into Race Check', () => {
			const submit = example.nodes.find((node) => node.name === 'Submit Quote')!;
			expect(submit.onError).toBe('continueErrorOutput');
			expect(example.connections['Submit Quote'].main[1]).toEqual([expect.objectContaining({ node: 'Race Check' })]);
		});

		it('Race Check marks a version mismatch as "raced: the RFQ changed" and a closed request as closed', () => {
			const changed = {
				...pricedItem,
				error: 'Totalis refused the quote … moved on to version 4',
				details: { code: 'CONFLICT', reason: 'version_mismatch', httpCode: '409' },
			};
			// A venue that names the conflict in its code only, as Totalis' docs do.
			const changedByCode = { ...pricedItem, error: 'refused', details: { code: 'version_mismatch', httpCode: '409' } };
			const closed = { ...pricedItem, error: 'refused', details: { code: 'CONFLICT', reason: 'request_not_active', httpCode: '409' } };
			expect(runRaceCheck([changed, changedByCode, closed]).map((item) => item.json)).toEqual([
				{ raced: 'raced: the RFQ changed', rfq_id: 'rfq-1', priced_version: 3, venue_said: changed.error },
				{ raced: 'raced: the RFQ changed', rfq_id: 'rfq-1', priced_version: 3, venue_said: 'refused' },
				{ raced: 'raced: the RFQ closed', rfq_id: 'rfq-1', priced_version: 3, venue_said: 'refused' },
			]);
		});

		it('Race Check fails the execution on any other refusal, with its message', () => {
			const unauthorised = {
				...pricedItem,
				error: 'Totalis did not accept the API key',
				details: { code: 'UNAUTHORIZED', httpCode: '401' },
			};
			expect(() => runRaceCheck([unauthorised])).toThrow('Totalis did not accept the API key');
			expect(() => runRaceCheck([{ ...pricedItem, error: 'Payout Odds: expected a number greater than 1', details: {} }])).toThrow(
				'Payout Odds',
			);
		});
	},
);
