/** The most subjects remembered for one trade; the oldest is forgotten first (a buffer bound). */
export const MAX_SUBJECTS_PER_TRADE = 64;

/**
 * Which one-time events of one trade have been seen, per subject (one of its quotes, the trade
 * itself, an unknown event's payload), as a bit mask each. A trade has a handful of subjects: a
 * short scan of strings is cheaper than a lookup in a memory of every quote.
 */
export class SeenEvents {
	private readonly subjects: string[] = [];
	private readonly masks: number[] = [];

	/** Marks `bit` for `subject`; false when it was marked already (the event is a copy). */
	mark(subject: string, bit: number): boolean {
		const { subjects, masks } = this;
		// Latest first: a trade's events mostly follow its latest quote.
		for (let index = subjects.length - 1; index >= 0; index--) {
			if (subjects[index] !== subject) continue;
			if ((masks[index] & bit) !== 0) return false;
			masks[index] |= bit;
			return true;
		}
		if (subjects.length >= MAX_SUBJECTS_PER_TRADE) {
			subjects.shift();
			masks.shift();
		}
		subjects.push(subject);
		masks.push(bit);
		return true;
	}
}
