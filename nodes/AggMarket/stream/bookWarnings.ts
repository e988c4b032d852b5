/**
 * The `book_warning` items of the agg.market Trigger: trouble with the order books that the
 * workflow should see without the trigger ever failing. Each is also logged by the caller.
 */
import type { ChecksumUnverifiable, ResnapshotStorm, ResyncReason } from '../book';

/** No known checksum form reproduces the venue's: verification is off for this trigger connection. */
export function checksumUnverifiableWarning(outcomeId: string, found: ChecksumUnverifiable) {
	return {
		warning: 'checksumUnverifiable',
		message:
			`agg.market book ${outcomeId}: the snapshot's checksum ${found.checksum} matches none of the level forms the trigger knows ` +
			`(${found.formsTried.join(', ')}); checksums are no longer verified on this connection, sequence gaps still are`,
		outcomeId,
		checksum: found.checksum,
		formsTried: found.formsTried,
	};
}

/** A book asked for its resnapshot cap within the window: the next request waits. */
export function resnapshotStormWarning(outcomeId: string, reason: ResyncReason, storm: ResnapshotStorm) {
	const resumesAt = new Date(storm.resumesAt).toISOString();
	return {
		warning: 'resnapshotStorm',
		message:
			`agg.market book ${outcomeId}: ${storm.resnapshots} resnapshots within ${storm.windowMs / 1000} s and still failing ` +
			`(${reason.detail}); the book stays stale and the next resnapshot waits until ${resumesAt}`,
		outcomeId,
		cause: reason.cause,
		detail: reason.detail,
		resnapshots: storm.resnapshots,
		windowMs: storm.windowMs,
		resumesAt,
	};
}
