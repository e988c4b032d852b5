/**
 * Dialects: where a venue's documentation is silent, a real venue may fill the gap another way
 * than our reading. Each venue of the simulator speaks one dialect, chosen at start; the first
 * of each list is the default. What each dialect changes is listed in the repository's
 * docs/venues/<venue>.md, under "Undocumented details and what the nodes accept".
 */
export const DIALECTS = {
	/**
	 * docs: position events only on `rfq:<id>` channels, as the docs' channel table says; mm-channel: on the
	 * market maker's channel too, as a frame of its own (a socket on both channels gets each twice).
	 */
	totalis: ['docs', 'mm-channel'],
	/**
	 * camel: camelCase events, `[price, volume]` levels, `subscribed` acks, `{order}` / `{positions}` replies with `id`, history at
	 * `/orders/history`; snake: snake_case events, `{price, volume}` levels, depth and metrics acknowledged by their first event, a
	 * flat order with `order_id`, positions as a bare array with `position_id`, history at `/orders` (helio/dialect.ts).
	 */
	helio: ['camel', 'snake'],
	/** short: checksum levels `b:`/`a:`, balances with `totalRaw`; long: `bid:`/`ask:`, raw amounts as `balanceRaw` and chains `{chain, balanceRaw}`. */
	agg: ['short', 'long'],
	/**
	 * docs: `GET /contests` filters by the start window and a league list, contests have `starts_at`, `GET /contests/{id}` is
	 * served, the state has `home_score`; variant: the list ignores the window, takes one league and lists by id, `start_time`,
	 * no `GET /contests/{id}` (404), `score: {home, away}` (simulator/src/openmarkets/dialect.ts).
	 */
	openmarkets: ['docs', 'variant'],
} as const;

export type DialectVenue = keyof typeof DIALECTS;
export type TotalisDialect = (typeof DIALECTS.totalis)[number];
export type HelioDialect = (typeof DIALECTS.helio)[number];
export type AggDialect = (typeof DIALECTS.agg)[number];
export type OpenMarketsDialect = (typeof DIALECTS.openmarkets)[number];

/** A dialect per venue; a venue left out speaks its default. */
export type DialectChoice = { [V in DialectVenue]?: (typeof DIALECTS)[V][number] };

/** The dialect `venue` speaks when `dialect` is given (or not), refusing a name the venue does not know. */
export function resolveDialect<V extends DialectVenue>(venue: V, dialect: string | undefined): (typeof DIALECTS)[V][number] {
	const known: readonly string[] = DIALECTS[venue];
	if (dialect === undefined) return known[0] as (typeof DIALECTS)[V][number];
	if (!known.includes(dialect)) throw new Error(`${venue} has no dialect "${dialect}"; expected one of ${known.join(', ')}`);
	return dialect as (typeof DIALECTS)[V][number];
}

/**
 * Reads a command line's `--dialect` value into `choice`: `<venue>=<dialect>` for one venue, or
 * `variant` for every venue's first non-default dialect.
 */
export function addDialectArg(choice: DialectChoice, text: string): DialectChoice {
	if (text === 'variant') {
		for (const venue of Object.keys(DIALECTS) as DialectVenue[]) Object.assign(choice, { [venue]: DIALECTS[venue][1] });
		return choice;
	}
	const [venue, dialect] = text.split('=', 2);
	if (!(venue in DIALECTS) || dialect === undefined) {
		throw new Error(`--dialect takes <venue>=<dialect> or "variant"; venues: ${Object.keys(DIALECTS).join(', ')}`);
	}
	const known = venue as DialectVenue;
	Object.assign(choice, { [known]: resolveDialect(known, dialect) });
	return choice;
}
