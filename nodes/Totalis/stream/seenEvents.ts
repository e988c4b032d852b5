/** The most subjects remembered for one trade; the oldest is forgotten first (a buffer bound). */
export const MAX_SUBJECTS_PER_TRADE = 64;

/**
 * Which one-time events of one trade have been seen, per subject (one of its quotes, the trade
 * itself, an unknown event's payload), as a bit mask each. A trade has a handful of subjects: a
 * short scan of strings is cheaper than a lookup in a memory of every quote.
 */
export class SeenEvents {
	/**
	 * Subject and mask by turns (`[subject, mask, subject, mask, …]`): one array per trade where two
	 * made two objects and two backing stores. Made with room for two subjects (most trades have one
	 * or two: the accepted quote and the trade's position), where a first push reserves room for 16
	 * values; `used` says how many are in use.
	 */
	private readonly entries: Array<string | number> = ['', 0, '', 0];
	private used = 0;

	/** Marks `bit` for `subject`; false when it was marked already (the event is a copy). */
	mark(subject: string, bit: number): boolean {
		const { entries } = this;
		// Latest first: a trade's events mostly follow its latest quote.
		for (let index = this.used - 2; index >= 0; index -= 2) {
			if (entries[index] !== subject) continue;
			const mask = entries[index + 1] as number;
			if ((mask & bit) !== 0) return false;
			entries[index + 1] = mask | bit;
			return true;
		}
		if (this.used >= 2 * MAX_SUBJECTS_PER_TRADE) {
			entries.copyWithin(0, 2, this.used);
			this.used -= 2;
		}
		entries[this.used] = subject;
		entries[this.used + 1] = bit;
		this.used += 2;
		return true;
	}
}
