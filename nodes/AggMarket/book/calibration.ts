/**
 * Which checksum form (checksum.ts) this venue uses, learnt from its snapshots: a snapshot carries
 * the whole book's checksum, so the forms that reproduce it stay candidates and the others are
 * dropped. Deltas are verified with the first candidate left. When the first snapshot that can
 * tell (a non-empty book with a checksum) matches no form at all, the venue hashes something we
 * do not know: verification is switched off for good rather than resnapshotting every delta.
 */
import { bookChecksum, CHECKSUM_FORMS, levelHashes, type BookLevel, type ChecksumForm } from './checksum';
import type { BookSide } from './side';

export type ChecksumVerdict =
	/** The checksum matches, or there is nothing to verify. */
	| { kind: 'ok' }
	/** No candidate form reproduces it: the frame or our book is wrong. */
	| { kind: 'mismatch'; detail: string }
	/** No known form reproduces the first telling snapshot: verification is off from now on (returned once). */
	| { kind: 'unverifiable'; checksum: number; formsTried: string[] };

export class ChecksumCalibration {
	private candidates: readonly ChecksumForm[] = CHECKSUM_FORMS;
	/** True once a non-empty snapshot has matched: from then on a snapshot no form matches is a bad one. */
	private calibrated = false;

	constructor(private enabled: boolean) {}

	get verifying(): boolean {
		return this.enabled;
	}

	/** The form in use (the first candidate left), for messages and tests. */
	get form(): ChecksumForm {
		return this.candidates[0];
	}

	verifySnapshot(bids: readonly BookLevel[], asks: readonly BookLevel[], checksum: number | undefined): ChecksumVerdict {
		if (!this.enabled || checksum === undefined) return { kind: 'ok' };
		const matching = this.candidates.filter((form) => bookChecksum(bids, asks, form) === checksum);
		if (matching.length > 0) {
			// An empty book hashes to 0 in every form: it tells nothing.
			if (bids.length + asks.length > 0) {
				this.candidates = matching;
				this.calibrated = true;
			}
			return { kind: 'ok' };
		}
		if (!this.calibrated) {
			this.enabled = false;
			return { kind: 'unverifiable', checksum, formsTried: CHECKSUM_FORMS.map((form) => form.name) };
		}
		return { kind: 'mismatch', detail: this.mismatchDetail(bids, asks, checksum, 'snapshot') };
	}

	verifyDelta(bids: BookSide, asks: BookSide, checksum: number | undefined, seq: number): ChecksumVerdict {
		if (!this.enabled || checksum === undefined) return { kind: 'ok' };
		// The common case costs the form in use, kept up to date by the sides; the other candidates only on a mismatch.
		const { bid, ask } = levelHashes(this.candidates[0]);
		if ((bids.checksum(bid) ^ asks.checksum(ask)) >>> 0 === checksum) return { kind: 'ok' };
		const matching = this.candidates.slice(1).filter((form) => bookChecksum(bids.peek(), asks.peek(), form) === checksum);
		if (matching.length > 0) {
			this.candidates = matching;
			return { kind: 'ok' };
		}
		return { kind: 'mismatch', detail: this.mismatchDetail(bids.peek(), asks.peek(), checksum, `seq ${seq}`) };
	}

	private mismatchDetail(bids: readonly BookLevel[], asks: readonly BookLevel[], checksum: number, after: string): string {
		return `checksum ${bookChecksum(bids, asks, this.form)} (form ${this.form.name}) after ${after}, venue says ${checksum}`;
	}
}
