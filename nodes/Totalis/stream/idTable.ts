/** A removed entry's id: lookups probe on past it, a new entry may take its place. */
const REMOVED = null;
/** Smallest table; a table is kept at most three quarters full. */
const MIN_SLOTS = 16;

/**
 * Values by id (a trade's `rfq_id`), for Follow My Trades' long-lived memories, where a `Map` made
 * every trade that passed through it outlive its time: with entries always entering and leaving a
 * `Map` that lives as long as the trigger, every entry was copied by the young generation's
 * collector and then moved to the old generation (about 1.4 MB at each collection on the bench's
 * stream, a few kilobytes for the raw client). V8 rebuilds such a table every few hundred
 * removals, and a table left behind in the old generation seems to keep pointing at what it held
 * until the next full collection (inferred: the same churn over two fixed arrays keeps nothing).
 * Here a removed entry's slots are cleared at once and the arrays are replaced only when the
 * table grows: an entry lives as long as it is held.
 *
 * Open addressing with linear probing over two arrays; at most three quarters of the slots are
 * filled (held or removed), so a probe meets an empty slot soon.
 */
export class IdTable<V> {
	private ids: Array<string | typeof REMOVED | undefined>;
	private values: Array<V | undefined>;
	/** Slots that are not empty: held entries and removed ones. */
	private filled = 0;
	size = 0;

	/** `expected`: the most entries usually held (the table grows past it if need be). */
	constructor(expected: number) {
		let slots = MIN_SLOTS;
		// Room for four times the usual count: removals seldom fill the table before it is tidied.
		while (slots < 4 * expected) slots *= 2;
		this.ids = new Array<string | typeof REMOVED | undefined>(slots).fill(undefined);
		this.values = new Array<V | undefined>(slots).fill(undefined);
	}

	get(id: string): V | undefined {
		const slot = this.find(id, hashOf(id));
		return slot < 0 ? undefined : this.values[slot];
	}

	has(id: string): boolean {
		return this.find(id, hashOf(id)) >= 0;
	}

	/** Returns the value it replaced, if any: one hash and one probe where a `get` first made two. */
	set(id: string, value: V): V | undefined {
		// Hashed once for both probes: the id is hashed in JavaScript, character by character.
		const hash = hashOf(id);
		const held = this.find(id, hash);
		if (held >= 0) {
			const before = this.values[held];
			this.values[held] = value;
			return before;
		}
		if ((this.filled + 1) * 4 > this.ids.length * 3) this.rebuild();
		const { ids } = this;
		const mask = ids.length - 1;
		let slot = hash & mask;
		// The first removed or empty slot on the probe path: `id` is not held (found above).
		while (ids[slot] !== undefined && ids[slot] !== REMOVED) slot = (slot + 1) & mask;
		if (ids[slot] === undefined) this.filled++;
		ids[slot] = id;
		this.values[slot] = value;
		this.size++;
		return undefined;
	}

	delete(id: string): boolean {
		const slot = this.find(id, hashOf(id));
		if (slot < 0) return false;
		this.ids[slot] = REMOVED;
		this.values[slot] = undefined;
		this.size--;
		return true;
	}

	/** The slot holding `id`, or -1. */
	private find(id: string, hash: number): number {
		const { ids } = this;
		const mask = ids.length - 1;
		for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
			const held = ids[slot];
			if (held === undefined) return -1;
			if (held === id) return slot;
		}
	}

	/** Drops the removed slots, in twice the room when the held entries fill more than a quarter. */
	private rebuild() {
		const { ids, values } = this;
		const slots = this.size * 4 > ids.length ? ids.length * 2 : ids.length;
		const heldIds: string[] = [];
		const heldValues: V[] = [];
		for (let slot = 0; slot < ids.length; slot++) {
			const id = ids[slot];
			if (id === undefined || id === REMOVED) continue;
			heldIds.push(id);
			heldValues.push(values[slot]!);
		}
		if (slots === ids.length) {
			ids.fill(undefined);
			values.fill(undefined);
		} else {
			this.ids = new Array<string | typeof REMOVED | undefined>(slots).fill(undefined);
			this.values = new Array<V | undefined>(slots).fill(undefined);
		}
		this.filled = 0;
		this.size = 0;
		for (let index = 0; index < heldIds.length; index++) this.set(heldIds[index], heldValues[index]);
	}
}

/** FNV-1a over every character (ids may share long prefixes or suffixes). */
function hashOf(id: string): number {
	let hash = 0x811c9dc5;
	for (let index = 0; index < id.length; index++) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193);
	return hash >>> 0;
}
