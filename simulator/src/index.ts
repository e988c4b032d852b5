/**
 * The venue simulator: one loopback HTTP server, one URL prefix per venue.
 * Tests, the demo and the CLI start it with `startSimulator()`.
 */
import { SimulatorServer, type ServerEvents } from './server';
import type { TypedEvents } from './typedEvents';
import { AggSimulator, type AggSimOptions } from './agg';
import { HelioSimulator, type HelioSimOptions } from './helio';
import { OpenMarketsSimulator, type OpenMarketsSimOptions } from './openmarkets';
import { TotalisSimulator, type TotalisSimOptions } from './totalis';

export interface SimulatorOptions {
	/** Default 127.0.0.1. */
	host?: string;
	/** Default 0: an ephemeral port. */
	port?: number;
	totalis?: TotalisSimOptions;
	helio?: HelioSimOptions;
	agg?: AggSimOptions;
	openmarkets?: OpenMarketsSimOptions;
}

export interface VenueSimulator {
	/** http://127.0.0.1:<port> */
	readonly baseUrl: string;
	readonly totalis: TotalisSimulator;
	readonly helio: HelioSimulator;
	/** agg.market under the '/agg' prefix. */
	readonly agg: AggSimulator;
	/** OpenMarkets under the '/openmarkets' prefix. */
	readonly openmarkets: OpenMarketsSimulator;
	/** TCP connections, whole-server outages. */
	readonly events: TypedEvents<ServerEvents>;
	/**
	 * A whole-server outage, as a venue restart: every venue drops its sockets and streams, the
	 * listener stops (new connections are refused, ECONNREFUSED), and after `downMs` it listens
	 * again on the same port with every venue's state kept (keys, markets, sessions). Resolves once
	 * it listens again.
	 */
	outage(downMs: number): Promise<void>;
	/** TCP connections the server holds now, of any venue and kind (sockets, streams, keep-alive). */
	openConnections(): number;
	/** Terminates every socket and SSE stream, clears every timer; leaves no open handle. */
	close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<VenueSimulator> {
	const server = new SimulatorServer();
	const address = await server.listen(options.host ?? '127.0.0.1', options.port ?? 0);
	let totalis: TotalisSimulator;
	let helio: HelioSimulator;
	let agg: AggSimulator;
	let openmarkets: OpenMarketsSimulator;
	try {
		// A new venue: one more mount line here, and a field on VenueSimulator.
		totalis = server.mount(new TotalisSimulator(address, options.totalis));
		helio = server.mount(new HelioSimulator(address, options.helio));
		agg = server.mount(new AggSimulator(address, options.agg));
		openmarkets = server.mount(new OpenMarketsSimulator(address, options.openmarkets));
	} catch (error) {
		await server.close();
		throw error;
	}
	return {
		baseUrl: address.baseUrl,
		totalis,
		helio,
		agg,
		openmarkets,
		events: server.events,
		outage: (downMs) => server.outage(downMs),
		openConnections: () => server.openConnections(),
		close: () => server.close(),
	};
}

export { SimulatorServer, type ServerEvents, type VenueMount } from './server';
export { ManualClock, SystemClock, type Clock } from './clock';
export { Random } from './random';
export {
	DIALECTS,
	resolveDialect,
	addDialectArg,
	type DialectChoice,
	type DialectVenue,
	type TotalisDialect,
	type HelioDialect,
	type AggDialect,
	type OpenMarketsDialect,
} from './dialects';
export type { RestFaultRule, FaultTransport, StreamedAnswer, CursorFault } from './faults';
export * from './totalis';
export * from './helio';
export * from './agg';
export * from './openmarkets';
