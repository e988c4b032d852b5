/**
 * Follow My Trades' table of trades by rfq_id: it must answer as a Map would, whatever ids come
 * (long shared prefixes and suffixes, hash collisions), through removals and the rebuilds that
 * drop them, and past the count it was sized for.
 */
import { IdTable } from '../../nodes/Totalis/stream/idTable';

describe('IdTable', () => {
	it('answers as a Map through a long run of sets, gets and removals', () => {
		const table = new IdTable<number>(50);
		const map = new Map<string, number>();
		// A fixed seed: ids that share a long suffix, as sequential venue ids do, and some repeats.
		let seed = 7;
		const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
		for (let step = 0; step < 20_000; step++) {
			const id = `rfq-${next() % 400}-0000-4000-8000-000000000000`;
			const action = next() % 3;
			if (action === 0) {
				// set answers what it replaced, as a get before it would.
				expect(table.set(id, step)).toBe(map.get(id));
				map.set(id, step);
			} else if (action === 1) {
				expect(table.delete(id)).toBe(map.delete(id));
			}
			expect(table.get(id)).toBe(map.get(id));
			expect(table.has(id)).toBe(map.has(id));
			expect(table.size).toBe(map.size);
		}
		for (const [id, value] of map) expect(table.get(id)).toBe(value);
	});

	it('grows past the count it was sized for and keeps every entry', () => {
		const table = new IdTable<string>(4);
		const ids = Array.from({ length: 1000 }, (_, index) => `${index}`);
		for (const id of ids) table.set(id, `value ${id}`);
		expect(table.size).toBe(1000);
		for (const id of ids) expect(table.get(id)).toBe(`value ${id}`);
		expect(table.get('1000')).toBeUndefined();
	});

	it('finds an id behind removed ones on its probe path, and overwrites a held id in place', () => {
		const table = new IdTable<number>(4);
		// Far more than the table's slots: every probe path crosses removed slots.
		for (let round = 0; round < 100; round++) {
			table.set(`a${round}`, round);
			table.set(`b${round}`, round);
			table.delete(`a${round}`);
		}
		expect(table.size).toBe(100);
		for (let round = 0; round < 100; round++) {
			expect(table.get(`a${round}`)).toBeUndefined();
			expect(table.get(`b${round}`)).toBe(round);
		}
		expect(table.set('b5', -1)).toBe(5);
		expect(table.get('b5')).toBe(-1);
		expect(table.size).toBe(100);
	});
});
