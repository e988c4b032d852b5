// Where this package departs from n8n's own lint rules, and why: the one list that both
// `n8n-node lint` (through eslint.config.mjs) and n8n's package scanner (scripts/scanPackage.mjs)
// apply. Everything else n8n checks applies as n8n ships it. An entry is as narrow as it can be:
// a new file that needs a timer or a Node module joins a list here on purpose, after review.

/** The package's run-time sources, which n8n's rules lint. */
export const PACKAGE_SOURCES = ['nodes/**/*.ts', 'credentials/**/*.ts'];

export const n8nLintExceptions = [
	{
		rule: '@n8n/community-nodes/no-runtime-dependencies',
		files: ['package.json'],
		why:
			'The package is for self-hosted n8n and depends at run time on `zod` (every frame is validated). ' +
			'The rule serves packages meant for n8n Cloud verification, which allows none.',
	},
	{
		rule: '@n8n/community-nodes/no-restricted-imports',
		files: [
			'nodes/shared/engine/websocketTransport.ts', // node:buffer, net (its type): a frame's text checked as UTF-8, the upgraded socket
			'nodes/shared/engine/websocketHandshake.ts', // node:http(s), net, tls: the WebSocket opening handshake
			'nodes/shared/engine/sseTransport.ts', // node:http(s): server-sent events, read as a stream with deadlines
			'nodes/shared/engine/proxy.ts', // node:http(s), net, tls, stream: the CONNECT tunnel through n8n's proxy settings
			'nodes/shared/rest/directHttp.ts', // node:http(s): the fast path's kept connection to the venue
			'nodes/shared/engine/workerRunner.ts', // node:worker_threads, node:path: the fast path's stream in a worker thread
			'nodes/shared/engine/workerHost.ts', // node:worker_threads: that worker's side
			'nodes/Totalis/stream/setup.ts', // node:path: the fast path's worker entry, found beside it
			'nodes/shared/rest/exchange.ts', // node:stream: reading a REST answer within its size bound
			'nodes/AggMarket/book/checksum.ts', // node:zlib: agg.market checksums its books with CRC-32
			'nodes/Totalis/stream/confirmTrace.ts', // node:util: debuglog, the fast path's stamps for the bench, only under NODE_DEBUG
		],
		why: 'n8n Cloud allows no import but n8n-workflow; a self-hosted stream needs a socket client and Node modules.',
	},
	{
		rule: '@n8n/community-nodes/no-restricted-globals',
		files: [
			'nodes/shared/engine/**/*.ts',
			'nodes/shared/delivery/**/*.ts',
			'nodes/shared/rest/exchange.ts',
			'nodes/shared/sleep.ts',
			'nodes/*/stream/**/*.ts',
			'nodes/AggMarket/book/emission.ts',
		],
		why:
			'Timers a stream needs: heartbeats, the dead-connection watchdog, reconnect backoff, batch windows and ' +
			'every network deadline. Each is cleared when the trigger closes; n8n-workflow has no cancellable interval.',
	},
	{
		rule: '@n8n/community-nodes/no-restricted-globals',
		files: ['nodes/shared/rest/directHttp.ts'],
		why:
			"`process.env`: the fast path reads n8n's proxy and SSRF settings from the environment, as n8n does, so that it " +
			"sends a confirm straight to the venue only where n8n's own request helper would.",
	},
	{
		rule: 'n8n-nodes-base/node-class-description-missing-subtitle',
		files: ['nodes/*/*.node.ts'],
		why:
			'The rule reads a subtitle only as a string literal. The action nodes build theirs from the Operation ' +
			"options' names (nodes/shared/subtitles.ts); test/subtitles.test.ts checks what each shows.",
	},
	{
		rule: 'n8n-nodes-base/node-param-type-options-password-missing',
		files: ['nodes/AggMarket/actions/quote.ts'],
		why: 'The rule takes any field named "…token…" for a secret; Token ID here is the public ID of an outcome token.',
	},
];

/** The exceptions as ESLint flat-config entries. */
export const n8nLintExceptionConfigs = n8nLintExceptions.map(({ rule, files }) => ({ files, rules: { [rule]: 'off' } }));
