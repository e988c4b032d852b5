/**
 * An id as Totalis sent it, as the text the stages compare and look up: a string as it is, a
 * number in its decimal form (the venue's docs show string ids, a dialect may send numbers), else
 * undefined (absent, or a number JSON could only give as an overflow).
 */
export function idOf(value: unknown): string | undefined {
	// A string as it is: the usual case costs no conversion call.
	if (typeof value === 'string') return value;
	return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}
