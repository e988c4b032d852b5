import type { Decoded, Frame } from '../../nodes/shared/engine/protocol';
import { TotalisWebSocketProtocol } from '../../nodes/Totalis/stream/protocol';
import { WEBSOCKET_EVENTS } from '../../nodes/Totalis/stream/schemas';

const frameOf = (message: unknown): Frame => {
	const text = JSON.stringify(message);
	return { value: JSON.parse(text) as unknown, text, bytes: text.length };
};

/** What the engine reads of a decode result, copied out at once as the engine does. */
const copied = (decoded: Decoded) => ({ ...decoded });

/** The event a frame should decode to: keyed by its quote, else its trade. */
const eventOf = (event: string, data: Record<string, unknown>, key?: string) => ({
	kind: 'event',
	event,
	data,
	key,
	deduplicatedByKey: key === undefined ? undefined : true,
});

describe('TotalisWebSocketProtocol.decode', () => {
	const protocol = new TotalisWebSocketProtocol('key', { marketMakerQuotes: true, rfqIds: [] });

	it.each(WEBSOCKET_EVENTS)('checks the payload of %s', (event) => {
		const refused = protocol.decode(frameOf({ type: event, data: {} }));
		expect(refused.kind).toBe('invalid');
		expect((refused as { reason: string }).reason).toMatch(new RegExp(`^${event}: `));
	});

	it('passes an undocumented type as it is, even one as long as a documented name', () => {
		// 'quote:accepted' is 14 characters, as are these.
		for (const type of ['quote:acceptex', 'xuote:accepted', 'quote:ACCEPTED']) {
			expect(copied(protocol.decode(frameOf({ type, data: {} })))).toEqual(eventOf(type, {}));
		}
	});

	it('gives each frame its own fields when the result object is reused', () => {
		const first = copied(protocol.decode(frameOf({ type: 'quote:executed', data: { quote_id: 'q1', rfq_id: 'r1' } })));
		const second = copied(protocol.decode(frameOf({ type: 'position:created', data: { rfq_id: 'r2', position_pda: 'p2' } })));
		expect(first).toEqual(eventOf('quote:executed', { quote_id: 'q1', rfq_id: 'r1' }, 'q1'));
		expect(second).toEqual(eventOf('position:created', { rfq_id: 'r2', position_pda: 'p2' }, 'r2'));
	});
});
