import { scopedDeduplicationKey } from '../../nodes/shared/delivery/triggerHost';

describe('deduplication keys handed to n8n', () => {
	it('are scoped to the workflow and node, so two workflows never suppress each other', () => {
		expect(scopedDeduplicationKey('wf1:nodeA', 'totalis:accepted:q1')).toBe('wf1:nodeA:totalis:accepted:q1');
		expect(scopedDeduplicationKey('wf2:nodeA', 'totalis:accepted:q1')).not.toBe(scopedDeduplicationKey('wf1:nodeA', 'totalis:accepted:q1'));
	});

	it("fit n8n's 255-character column, staying distinct when hashed", () => {
		const long = scopedDeduplicationKey('wf1:nodeA', `totalis:accepted:${'x'.repeat(300)}`);
		const other = scopedDeduplicationKey('wf1:nodeA', `totalis:accepted:${'x'.repeat(299)}y`);
		expect(long).toMatch(/^[0-9a-f]{64}$/);
		expect(other).not.toBe(long);
	});
});
