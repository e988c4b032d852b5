/**
 * Engine features venues with expiring credentials rely on: a URL asked for again before every
 * connection (a token from a fresh login), and a planned replacement of the connection before
 * the credentials expire, marked as a gap on the next item.
 */
import { StreamEngine } from '../../nodes/shared/engine/StreamEngine';
import { StreamFailure } from '../../nodes/shared/engine/errors';
import type { HandshakeSession } from '../../nodes/shared/engine/protocol';
import { WebSocketTransport } from '../../nodes/shared/engine/websocketTransport';
import { TotalisWebSocketProtocol } from '../../nodes/Totalis/stream/protocol';
import type { Delivered } from '../../nodes/shared/items';
import { Redactor } from '../../nodes/shared/redact';
import { startSimulator, type VenueSimulator } from 'trading-venues-simulator';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const timing = {
	connectTimeoutMs: 2000,
	handshakeTimeoutMs: 2000,
	heartbeatIntervalMs: 100,
	silenceTimeoutMs: 1000,
	backoff: { initialDelayMs: 10, maxDelayMs: 50, resetAfterMs: 1000 },
};

/** Totalis' protocol, but its first session says it expires `lifetimeMs` after the handshake. */
class ExpiringSessions extends TotalisWebSocketProtocol {
	private sessions = 0;

	constructor(
		apiKey: string,
		private readonly lifetimeMs: number,
	) {
		super(apiKey, { marketMakerQuotes: true, rfqIds: [] });
	}

	async handshake(session: HandshakeSession) {
		const facts = await super.handshake(session);
		return ++this.sessions === 1 ? { ...facts, rotateAtMs: Date.now() + this.lifetimeMs } : facts;
	}
}

describe('StreamEngine with expiring credentials', () => {
	let sim: VenueSimulator;
	let engine: StreamEngine | undefined;
	beforeEach(async () => (sim = await startSimulator()));
	afterEach(async () => {
		await engine?.stop();
		await sim.close();
	});

	it('asks for the URL before every connection and replaces the connection before it expires', async () => {
		const redactor = new Redactor([sim.totalis.apiKey]);
		let urlRequests = 0;
		let delivered: (item: Delivered) => void = () => {};
		const firstItem = new Promise<Delivered>((resolve) => (delivered = resolve));
		engine = new StreamEngine({
			transport: new WebSocketTransport({
				url: () => {
					urlRequests++;
					return `${sim.totalis.wsUrl}?token=fresh-login-${urlRequests}`;
				},
				redactor,
			}),
			protocol: new ExpiringSessions(sim.totalis.apiKey, 300),
			redactor,
			logger: quiet,
			timing,
			maxFrameBytes: 1 << 20,
			onEvent: (item) => delivered(item),
		});
		await engine.start();
		expect(urlRequests).toBe(1);
		const replaced = sim.totalis.events.waitFor('ws:subscribe', undefined, 3000);
		await replaced;
		expect(urlRequests).toBe(2);
		// Subscribed at the venue: an event published now reaches the new connection (frames that
		// arrive during its handshake are held, not lost).
		sim.totalis.publish(`mm:quotes:${sim.totalis.userId}`, 'quote:expired', { quote_id: 'q', rfq_id: 'r' });
		expect((await firstItem).item.gap).toMatchObject({ reconnects: 1, reasons: [expect.stringMatching(/^planned reconnect/)] });
		// Its frame's size goes with it, for delivery's byte cap.
		expect((await firstItem).bytes).toBeGreaterThan(0);
		expect(engine.stats.connections).toBe(2);
	});

	it("fails the start with the resolver's own failure (a refused login)", async () => {
		const redactor = new Redactor([]);
		engine = new StreamEngine({
			transport: new WebSocketTransport({
				url: () => {
					throw new StreamFailure('auth', 'login refused: wrong password');
				},
				redactor,
			}),
			protocol: new ExpiringSessions(sim.totalis.apiKey, 1000),
			redactor,
			logger: quiet,
			timing,
			maxFrameBytes: 1 << 20,
			onEvent: () => {},
		});
		await expect(engine.start()).rejects.toMatchObject({ kind: 'auth', message: 'login refused: wrong password' });
		expect(sim.totalis.openSockets()).toBe(0);
	});
});
