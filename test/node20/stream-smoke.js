// Runs under Node 20 against the builds (dist/, and the simulator workspace's simulator/dist/): the simulator,
// through a drop and a reconnect. Prints one JSON line with what it saw.
const { startSimulator } = require('trading-venues-simulator');
const { StreamEngine } = require('../../dist/nodes/shared/engine/StreamEngine');
const { WebSocketTransport } = require('../../dist/nodes/shared/engine/websocketTransport');
const { TotalisWebSocketProtocol } = require('../../dist/nodes/Totalis/stream/protocol');
const { Redactor } = require('../../dist/nodes/shared/redact');

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function main() {
	const sim = await startSimulator();
	const channel = `mm:quotes:${sim.totalis.userId}`;
	const redactor = new Redactor([sim.totalis.apiKey]);
	const events = [];
	let gapAfterDrop;
	let onEvent;
	const engine = new StreamEngine({
		transport: new WebSocketTransport({ url: sim.totalis.wsUrl, redactor }),
		protocol: new TotalisWebSocketProtocol(sim.totalis.apiKey, { marketMakerQuotes: true, rfqIds: [] }),
		redactor,
		logger: quiet,
		maxFrameBytes: 1 << 20,
		timing: {
			connectTimeoutMs: 2000,
			handshakeTimeoutMs: 2000,
			heartbeatIntervalMs: 200,
			silenceTimeoutMs: 1000,
			backoff: { initialDelayMs: 10, maxDelayMs: 50, resetAfterMs: 1000 },
		},
		onEvent: (delivered) => onEvent(delivered.item),
	});
	const next = () => new Promise((resolve) => (onEvent = resolve));
	await engine.start();
	let arrived = next();
	sim.totalis.publish(channel, 'quote:expired', { quote_id: 'q1', rfq_id: 'r1' });
	events.push((await arrived).event);
	const resubscribed = sim.totalis.events.waitFor('ws:message', (m) => m.message && m.message.type === 'ping');
	sim.totalis.faults.dropConnections();
	await sim.totalis.events.waitFor('ws:subscribe');
	await resubscribed;
	arrived = next();
	sim.totalis.publish(channel, 'position:settled', { rfq_id: 'r1', position_pda: 'p', outcome: 'win' });
	const item = await arrived;
	events.push(item.event);
	gapAfterDrop = item.gap && item.gap.reconnects;
	await engine.stop();
	await sim.close();
	console.log(JSON.stringify({ node: process.version, events, gapAfterDrop }));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
