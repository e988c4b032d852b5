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
