/**
 * Follow My Trades, in every dialect of the simulated Totalis: `docs` sends a trade's position
 * events only on rfq:<rfq_id> (the trigger must subscribe there to see them), `mm-channel` sends
 * them on the market maker's channel as well (the trigger must emit each once). Real sockets,
 * n8n-core's TriggerContext.
 */
import { DIALECTS } from 'trading-venues-simulator';
import { FAST } from './fixtures';
import { useTotalisEnvironment } from './fixtures';

describe.each(DIALECTS.totalis)('Totalis Trigger: Follow My Trades (dialect %s)', (dialect) => {
	const env = useTotalisEnvironment(dialect);
	const totalis = () => env.sim.totalis;

	/** Our quote on a new request, accepted by the taker. */
	async function acceptedTrade(settlement: 'win' | 'loss' | 'cancelled' | 'error' = 'win') {
		const request = totalis().createQuoteRequest();
		const quote = totalis().addOurQuote(request.id, { payoutOdds: 3.5, expiresInMs: 10_000 });
		return totalis().acceptQuote(quote.id, { order: 'accepted-first', settlement, deadlineMs: 10_000 });
	}

	const subscribedTo = (channel: string) => totalis().waitFor('ws:subscribe', (event) => event.channel === channel);
	const unsubscribedFrom = (channel: string) => totalis().waitFor('ws:unsubscribe', (event) => event.channel === channel);
	const eventsOf = (rfqId: string) =>
		env.triggers[0].items.filter((item) => (item.json.data as { rfq_id?: string }).rfq_id === rfqId).map((item) => item.json.event);

	it("subscribes to an accepted trade's rfq channel, emits each of its position events once, and leaves after settlement", async () => {
		expect(totalis().dialect).toBe(dialect);
		const trigger = await env.start({ mergeWaitMs: 50 });
		const acceptance = await acceptedTrade('win');
		const channel = `rfq:${acceptance.rfqId}`;
		await subscribedTo(channel);
		const left = unsubscribedFrom(channel);
		totalis().market.confirmQuote(totalis().mmId, acceptance.quoteId);
		const settled = await trigger.waitForItem((json) => json.event === 'position:settled', 'the settlement');
		await left;
		// A marker on the market maker's channel: every copy the venue sent before it has been read by then.
		totalis().publish(env.mmChannel, 'quote:expired', { quote_id: 'marker', rfq_id: 'marker' });
		await trigger.waitForItem((json) => (json.data as { quote_id?: string }).quote_id === 'marker', 'the marker');
		expect(eventsOf(acceptance.rfqId)).toEqual([
			'quote:accepted',
			'quote:confirmed',
			'quote:executed',
			'position:created',
			'position:settled',
		]);
		expect(settled).toMatchObject({
			venue: 'totalis',
			source: 'websocket',
			event: 'position:settled',
			data: { rfq_id: acceptance.rfqId, outcome: 'win', position_pda: expect.any(String) },
			connection: { id: 1 },
			gap: null,
		});
		const settledEmission = trigger.recorder.emissions.find((emission) => emission.items[0].json.event === 'position:settled');
		expect(settledEmission?.deduplicationKey).toBe(`wf-test:totalisTrigger-under-test:totalis:position:settled:${acceptance.rfqId}`);
		// The channel was left: the venue has no subscriber for it any more.
		expect(totalis().publish(channel, 'position:settled', { rfq_id: acceptance.rfqId, position_pda: 'p', outcome: 'win' })).toBe(0);
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	it.each(['cancelled', 'error'] as const)('leaves the channel after position:%s', async (settlement) => {
		const trigger = await env.start({ mergeWaitMs: 0 });
		const acceptance = await acceptedTrade(settlement);
		const channel = `rfq:${acceptance.rfqId}`;
		await subscribedTo(channel);
		const left = unsubscribedFrom(channel);
		totalis().market.confirmQuote(totalis().mmId, acceptance.quoteId);
		await trigger.waitForItem((json) => json.event === `position:${settlement}`, `position:${settlement}`);
		await left;
		expect(eventsOf(acceptance.rfqId).filter((event) => event === `position:${settlement}`)).toHaveLength(1);
	});

	it('leaves a trade after Follow For (Minutes) when no terminal event comes', async () => {
		await env.start({ followForMinutes: 0.005 });
		const subscribed = subscribedTo('rfq:rfq-quiet');
		const left = unsubscribedFrom('rfq:rfq-quiet');
		totalis().publish(env.mmChannel, 'quote:accepted', {
			quote_id: 'q-quiet',
			rfq_id: 'rfq-quiet',
			confirmation_deadline: Date.now() + 5000,
		});
		await subscribed;
		await left;
		expect(totalis().publish('rfq:rfq-quiet', 'position:created', { rfq_id: 'rfq-quiet', position_pda: 'p' })).toBe(0);
	});

	it('subscribes to the followed trades again after a reconnect, and their events then arrive with the gap', async () => {
		const trigger = await env.start({ mergeWaitMs: 0 });
		const acceptance = await acceptedTrade('loss');
		const channel = `rfq:${acceptance.rfqId}`;
		const first = await subscribedTo(channel);
		await trigger.waitForItem((json) => json.event === 'quote:accepted', 'the acceptance');
		const again = subscribedTo(channel);
		expect(totalis().faults.dropConnections().sockets).toBe(1);
		expect((await again).connectionId).not.toBe(first.connectionId);
		totalis().market.confirmQuote(totalis().mmId, acceptance.quoteId);
		const settled = await trigger.waitForItem((json) => json.event === 'position:settled', 'the settlement');
		expect(settled).toMatchObject({ data: { rfq_id: acceptance.rfqId, outcome: 'loss' }, connection: { id: 2 } });
		const [afterDrop] = trigger.items.filter((item) => item.json.gap !== null);
		expect(afterDrop.json.gap).toMatchObject({ reconnects: 1, reasons: [expect.stringMatching(/connection lost/)] });
		expect(eventsOf(acceptance.rfqId).filter((event) => String(event).startsWith('position:'))).toEqual([
			'position:created',
			'position:settled',
		]);
		expect(trigger.recorder.emitErrors).toEqual([]);
	});

	it('follows nothing when Follow My Trades is off', async () => {
		const subscriptions: string[] = [];
		totalis().events.on('ws:subscribe', ({ channel }) => subscriptions.push(channel));
		const trigger = await env.start({ followTrades: false, mergeWaitMs: 0 });
		await acceptedTrade();
		await trigger.waitForItem((json) => json.event === 'quote:accepted', 'the acceptance');
		// The next heartbeat ping went out after the acceptance was read: a subscribe would have been before it.
		await totalis().waitFor('ws:message', ({ message }) => (message as { type?: string })?.type === 'ping');
		expect(subscriptions).toEqual([env.mmChannel]);
	});

	it('refuses a Follow For (Minutes) that is not above 0 before connecting', async () => {
		const connections = jest.fn();
		totalis().events.on('ws:connection', connections);
		await expect(env.start({ followForMinutes: 0, options: { ...FAST } })).rejects.toThrow(
			/Follow For \(Minutes\): expected a number above 0/,
		);
		expect(connections).not.toHaveBeenCalled();
	});
});
