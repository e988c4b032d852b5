import { z } from 'zod';

import { compileGuard, compileValidator } from '../../nodes/shared/engine/validation';

const schema = z
	.object({
		id: z.string().min(1),
		version: z.number().int(),
		when: z.union([z.string(), z.number()]),
		note: z.string().optional(),
		legs: z.array(z.object({ side: z.string() }).passthrough()).optional(),
		quote: z
			.object({ odds: z.number().min(1, 'odds must be at least 1') })
			.passthrough()
			.optional(),
		anything: z.unknown(),
	})
	.passthrough();

const cases: unknown[] = [
	{ id: 'a', version: 1, when: 'now' },
	{ id: 'a', version: 1, when: 5, note: 'n', legs: [{ side: 'yes', extra: 1 }], quote: { odds: 2 }, extra: true },
	{ id: '', version: 1, when: 'now' },
	{ id: 'a', version: 1.5, when: 'now' },
	{ id: 'a', version: '1', when: 'now' },
	{ id: 'a', version: 1, when: null },
	{ id: 'a', version: 1, when: 'x', note: 3 },
	{ id: 'a', version: 1, when: 'x', legs: [{ side: 1 }] },
	{ id: 'a', version: 1, when: 'x', legs: {} },
	{ id: 'a', version: 1, when: 'x', quote: { odds: 0.5 } },
	{ version: 1, when: 'x' },
	null,
	[],
	'text',
];

describe('validators compiled from zod schemas', () => {
	it('accept and refuse exactly what zod accepts and refuses', () => {
		const validate = compileValidator(schema);
		for (const value of cases) {
			expect([value, validate(value) === undefined]).toEqual([value, schema.safeParse(value).success]);
		}
	});

	it('explain a refusal with the field and what was expected', () => {
		const validate = compileValidator(schema);
		expect(validate({ id: 'a', version: 'x', when: 1 })).toMatch(/^version: Expected number, received string/);
		expect(validate({ id: 'a', version: 1, when: 1, quote: { odds: 0 } })).toBe('quote.odds: odds must be at least 1');
	});

	it('decide valid values without running zod, which rebuilds every object', () => {
		const guard = compileGuard(schema);
		const safeParse = jest.spyOn(schema, 'safeParse');
		expect(guard(cases[1])).toBe(true);
		expect(guard(cases[3])).toBe(false);
		expect(safeParse).not.toHaveBeenCalled();
	});

	it('fall back to zod for constructs they do not compile', () => {
		const email = z.object({ address: z.string().email() });
		const guard = compileGuard(email);
		expect(guard({ address: 'a@b.example' })).toBe(true);
		expect(guard({ address: 'not an address' })).toBe(false);
	});
});

describe("the Totalis events' compiled validators", () => {
	/** One valid payload per documented event, every optional field present. */
	const valid: Record<string, Record<string, unknown>> = {
		'quote:accepted': { quote_id: 'q', rfq_id: 'r', confirmation_deadline: '2026-06-05T12:00:05.000Z' },
		'mm_quote:accepted': {
			quote_id: 'q',
			rfq_id: 'r',
			confirmation_deadline: 1_780_000_000_000,
			quote: { payout_odds: 2.5, extra: 1 },
			exposure_legs: [{ leg: 1 }],
		},
		'quote:confirmed': { quote_id: 'q', rfq_id: 'r', execution_id: 'e' },
		'quote:executed': { quote_id: 'q', rfq_id: 'r' },
		'quote:expired': { quote_id: 'q', rfq_id: 'r' },
		'quote:rejected': { quote_id: 'q', rfq_id: 'r', reason: 'late' },
		'quote:withdrawn': { quote_id: 'q', rfq_id: 'r' },
		'position:created': { rfq_id: 'r', position_pda: 'p', timestamp: 5 },
		'position:settled': { rfq_id: 'r', position_pda: 'p', outcome: 'win', timestamp: 'now' },
		'position:cancelled': { rfq_id: 'r', reason: 'void' },
		'position:error': { rfq_id: 'r', error: { code: 1 } },
	};
	/** Values of every kind the checks tell apart, nested ones included. */
	const replacements: unknown[] = [
		undefined,
		null,
		'',
		'text',
		0,
		1.5,
		Number.NaN,
		Infinity,
		true,
		{},
		[],
		[{}],
		[1],
		{ payout_odds: 'x' },
	];

	it('accept and refuse exactly what zod does, for every field of every event replaced by every kind of value', () => {
		const { websocketEventSchemas, websocketEventValidators } = jest.requireActual<typeof import('../../nodes/Totalis/stream/schemas')>(
			'../../nodes/Totalis/stream/schemas',
		);
		expect(Object.keys(valid).sort()).toEqual(Object.keys(websocketEventSchemas).sort());
		let refused = 0;
		for (const [event, payload] of Object.entries(valid)) {
			const schema = websocketEventSchemas[event];
			const guard = compileGuard(schema);
			const validate = websocketEventValidators.get(event)!;
			const variants: unknown[] = [payload, null, [], 'text', { ...payload, extra: 'kept' }];
			for (const field of Object.keys(payload)) {
				for (const value of replacements) variants.push({ ...payload, [field]: value });
			}
			for (const variant of variants) {
				const expected = schema.safeParse(variant).success;
				expect([event, variant, validate(variant) === undefined]).toEqual([event, variant, expected]);
				// The guard alone may be stricter (it refuses Infinity, which zod's number takes and JSON cannot
				// carry; the validator then asks zod), never looser.
				if (guard(variant)) expect([event, variant, expected]).toEqual([event, variant, true]);
				if (!expected) refused++;
			}
		}
		// The corpus exercises refusals, not only acceptances.
		expect(refused).toBeGreaterThan(100);
	});
});
