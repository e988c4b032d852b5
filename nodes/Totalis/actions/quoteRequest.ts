/** Resource "Quote Request": read a request, quote on it, withdraw your quote. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import {
	MAX_PAYOUT_ODDS,
	MAX_QUOTE_EXPIRY_MS,
	boundedNumber,
	invalid,
	readCommonOptions,
	requiredText,
	wholeNumber,
	type OperationHandler,
	type TotalisSession,
} from './common';
import { pathSegment } from '../../shared/pathSegment';
import { conflictReason, currentVersionOf, totalisRequest } from '../transport';

const forOperations = (...operation: string[]) => ({ show: { resource: ['quoteRequest'], operation } });

export const quoteRequestOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['quoteRequest'] } },
	options: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get a quote request',
			description: 'Get a quote request with its legs, every active quote on its current version and the best quote',
		},
		{
			name: 'Submit Quote',
			value: 'submitQuote',
			action: 'Submit a quote on a quote request',
			description: 'Offer payout odds on a quote request, or replace your earlier quote on it',
		},
		{
			name: 'Withdraw Quote',
			value: 'withdrawQuote',
			action: 'Withdraw your quote from a quote request',
			description: 'Take your quote off a quote request before a taker accepts it',
		},
	],
	default: 'get',
};

export const quoteRequestFields: INodeProperties[] = [
	{
		displayName: 'Quote Request ID',
		name: 'quoteRequestId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1a6d1f06-9d4f-47cb-994b-3bdfbbef7e40',
		displayOptions: forOperations('get', 'submitQuote', 'withdrawQuote'),
		description: "The quote request to act on: from a New Request or Updated Request item of the Totalis Trigger, map the request's ID",
	},
	{
		displayName: 'Request Version',
		name: 'requestVersion',
		type: 'number',
		required: true,
		// Empty rather than a version no request has: the quote must name the version it priced.
		default: null,
		placeholder: 'e.g. 3',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		displayOptions: forOperations('submitQuote'),
		description:
			"The version of the quote request you priced: map the version of the Totalis Trigger's quote request item. When the request changes, its version goes up and quotes on older versions are refused.",
	},
	{
		displayName: 'Request Hash',
		name: 'requestHash',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. sha256:a3f4b2c…',
		displayOptions: forOperations('submitQuote'),
		description: "The request_hash of the version you priced: map the request_hash of the Totalis Trigger's quote request item",
	},
	{
		displayName: 'Payout Odds',
		name: 'payoutOdds',
		type: 'number',
		required: true,
		// Empty rather than a price: odds are the market maker's decision, and 0 is not odds.
		default: null,
		placeholder: 'e.g. 4.25',
		typeOptions: { minValue: 1, maxValue: MAX_PAYOUT_ODDS, numberPrecision: 4 },
		displayOptions: forOperations('submitQuote'),
		description: `The payout multiplier you offer on the bet amount, greater than 1 and at most ${MAX_PAYOUT_ODDS}. At 4.25 a 25 USDC bet pays 106.25 USDC if the parlay wins, and you put 81.25 USDC at risk.`,
	},
	{
		displayName: 'Expires In (Milliseconds)',
		name: 'expiresInMs',
		type: 'number',
		default: 10000,
		typeOptions: { minValue: 1, maxValue: MAX_QUOTE_EXPIRY_MS, numberPrecision: 0 },
		displayOptions: forOperations('submitQuote'),
		description: `How long your quote stays valid, in milliseconds (at most ${MAX_QUOTE_EXPIRY_MS}, ten minutes), unless you replace or withdraw it first`,
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: forOperations('withdrawQuote'),
		options: [
			{
				displayName: 'Request Version',
				name: 'requestVersion',
				type: 'number',
				default: 1,
				typeOptions: { minValue: 1, numberPrecision: 0 },
				description:
					'Withdraw only a quote made for this version of the request; a quote on another version is reported as already expired',
			},
			{
				displayName: 'Request Hash',
				name: 'requestHash',
				type: 'string',
				default: '',
				description: 'Withdraw only a quote made for the version with this request_hash',
			},
		],
	},
];

const getResponse = z.object({
	data: z
		.object({
			quote_request: z.object({ id: z.string() }).passthrough(),
			quotes: z.array(z.unknown()),
			best_quote: z.unknown(),
		})
		.passthrough(),
});

const submitResponse = z.object({
	data: z.object({ quote: z.object({ id: z.string() }).passthrough() }).passthrough(),
});

const withdrawResponse = z.union([z.literal(''), z.object({ data: z.object({ status: z.string() }).passthrough() }).passthrough()]);

const ID_HINT = 'Map {{ $json.data.id }} from a quote_request item of the Totalis Trigger.';

async function get(this: IExecuteFunctions, itemIndex: number, session: TotalisSession): Promise<IDataObject> {
	const id = requiredText(this, itemIndex, 'quoteRequestId', 'Quote Request ID', 'the ID of a quote request', ID_HINT);
	const { rateLimitMaxWaitMs } = readCommonOptions(this, itemIndex);
	const response = await totalisRequest(this, {
		baseUrl: session.baseUrl,
		redactor: session.redactor,
		method: 'GET',
		path: `/v1/quote-requests/${pathSegment('Quote Request ID', id)}`,
		action: `get quote request "${id}"`,
		retry: { rateLimitMaxWaitMs },
		schema: getResponse,
		itemIndex,
		describeError: (_error, status) => (status === 403 ? { description: 'This quote request belongs to another account.' } : undefined),
	});
	return response.body.data as IDataObject;
}

async function submitQuote(this: IExecuteFunctions, itemIndex: number, session: TotalisSession): Promise<IDataObject> {
	const id = requiredText(this, itemIndex, 'quoteRequestId', 'Quote Request ID', 'the ID of a quote request', ID_HINT);
	const requestVersion = wholeNumber(
		this,
		itemIndex,
		'requestVersion',
		'Request Version',
		{ min: 1, max: Number.MAX_SAFE_INTEGER },
		'a whole number, 1 or more',
		'Map {{ $json.data.version }} from the quote request you priced.',
	);
	const requestHash = requiredText(
		this,
		itemIndex,
		'requestHash',
		'Request Hash',
		'the request_hash of the version you priced',
		'Map {{ $json.data.request_hash }} from the quote request you priced.',
	);
	const rawOdds = this.getNodeParameter('payoutOdds', itemIndex, undefined) as unknown;
	const payoutOdds = boundedNumber(
		this,
		itemIndex,
		rawOdds,
		'Payout Odds',
		{ above: 1, max: MAX_PAYOUT_ODDS },
		`a number greater than 1 (the payout multiplier), at most ${MAX_PAYOUT_ODDS}`,
	);
	const expiresInMs = wholeNumber(
		this,
		itemIndex,
		'expiresInMs',
		'Expires In (Milliseconds)',
		{ min: 1, max: MAX_QUOTE_EXPIRY_MS },
		`a whole number of milliseconds from 1 to ${MAX_QUOTE_EXPIRY_MS} (ten minutes)`,
	);
	const { rateLimitMaxWaitMs } = readCommonOptions(this, itemIndex);

	const response = await totalisRequest(this, {
		baseUrl: session.baseUrl,
		redactor: session.redactor,
		method: 'PUT',
		path: `/v1/mm/quote-requests/${pathSegment('Quote Request ID', id)}/quote`,
		action: `submit a quote on quote request "${id}"`,
		body: { request_version: requestVersion, request_hash: requestHash, payout_odds: payoutOdds, expires_in_ms: expiresInMs },
		retry: { rateLimitMaxWaitMs },
		schema: submitResponse,
		itemIndex,
		describeError: (error, status) => {
			if (status !== 409) return undefined;
			const reason = conflictReason(error);
			if (reason === 'version_mismatch') {
				const current = currentVersionOf(error);
				const moved = current !== undefined ? `moved on to version ${current}` : 'moved on to a newer version';
				return {
					message: `Totalis refused the quote on quote request "${id}": the quote request ${moved} (you priced version ${requestVersion}); re-price`,
					description:
						'Quotes must name the current version and request_hash. Price the latest version (the quote_request:updated item of the Totalis Trigger carries it, or use Get) and submit again.',
				};
			}
			if (reason === 'request_not_active') {
				return { description: 'The quote request is no longer open for quotes (a taker committed, it expired or it was cancelled).' };
			}
			return undefined;
		},
	});
	return response.body.data as IDataObject;
}

async function withdrawQuote(this: IExecuteFunctions, itemIndex: number, session: TotalisSession): Promise<IDataObject> {
	const id = requiredText(this, itemIndex, 'quoteRequestId', 'Quote Request ID', 'the ID of a quote request', ID_HINT);
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (additional.requestVersion !== undefined && additional.requestVersion !== '') {
		body.request_version = boundedNumber(
			this,
			itemIndex,
			additional.requestVersion,
			'Request Version',
			{ min: 1, max: Number.MAX_SAFE_INTEGER, whole: true },
			'a whole number, 1 or more',
		);
	}
	if (additional.requestHash !== undefined) {
		const hash = typeof additional.requestHash === 'string' ? additional.requestHash.trim() : '';
		if (!hash) throw invalid(this, itemIndex, 'Request Hash', 'a request_hash (or remove the field)', additional.requestHash);
		body.request_hash = hash;
	}
	const { rateLimitMaxWaitMs } = readCommonOptions(this, itemIndex);

	const response = await totalisRequest(this, {
		baseUrl: session.baseUrl,
		redactor: session.redactor,
		method: 'DELETE',
		path: `/v1/mm/quote-requests/${pathSegment('Quote Request ID', id)}/quote`,
		action: `withdraw your quote on quote request "${id}"`,
		body: Object.keys(body).length ? body : undefined,
		retry: { rateLimitMaxWaitMs },
		schema: withdrawResponse,
		itemIndex,
		describeError: (error, status) => {
			if (status === 409 && conflictReason(error) === 'quote_accepted') {
				return { description: 'A taker already accepted this quote: confirm it instead of withdrawing it.' };
			}
			if (status === 404) return { description: 'Totalis has no quote of yours on this quote request (or no such request).' };
			return undefined;
		},
	});
	if (response.status === 204 || response.body === '') return { withdrawn: true, quote_request_id: id };
	const status = typeof response.body === 'object' ? response.body.data.status : 'unknown';
	return { withdrawn: status === 'withdrawn', status, quote_request_id: id };
}

export const quoteRequestHandlers: Record<string, OperationHandler> = { get, submitQuote, withdrawQuote };
