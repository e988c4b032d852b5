/** Resource "Quote": confirm a quote a taker accepted. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { invalid, parseInstant, readCommonOptions, requiredText, type OperationHandler, type TotalisSession } from './common';
import { pathSegment } from '../../shared/pathSegment';
import type { VenueError } from '../../shared/rest';
import { conflictReason, totalisRequest } from '../transport';

const show = { show: { resource: ['quote'] } };

export const quoteOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: show,
	options: [
		{
			name: 'Confirm',
			value: 'confirm',
			action: 'Confirm an accepted quote',
			description: 'Confirm a quote a taker accepted, before its confirmation deadline; the trade executes only after you confirm',
		},
	],
	default: 'confirm',
};

export const quoteFields: INodeProperties[] = [
	{
		displayName: 'Quote ID',
		name: 'quoteId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 7d1e2f3a-…',
		displayOptions: { show: { resource: ['quote'], operation: ['confirm'] } },
		description:
			'The quote_id of the accepted quote, from a quote:accepted or mm_quote:accepted event. Map {{ $json.data.quote_id }} from the Totalis Trigger. (Not the ID your Submit Quote returned: that draft ID cannot be confirmed.)',
	},
	{
		displayName: 'Confirmation Deadline',
		name: 'confirmationDeadline',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2026-06-01T18:45:35.000Z',
		displayOptions: { show: { resource: ['quote'], operation: ['confirm'] } },
		description:
			'When the confirmation window closes, as an ISO date or epoch milliseconds. Map {{ $json.data.confirmation_deadline }} from the Totalis Trigger. With it, a "service unavailable" (503) answer is retried quickly until the deadline, never after it; without it, a 503 fails at once.',
	},
];

const confirmResponse = z.object({
	data: z
		.object({
			status: z.string(),
			quote_id: z.string(),
			execution_id: z.string().optional(),
		})
		.passthrough(),
});

/** Says to use the accepted quote's id: the id Submit Quote returned is a draft, never in the accepted state. */
const USE_ACCEPTED_ID =
	'If this is the ID Submit Quote returned (a draft quote ID; mm_quote:accepted calls it draft_quote_id), confirm with the quote_id of the quote:accepted event instead.';

/** Why a confirm answered 409, from what Totalis said (details.reason and details.status, when given). */
function whyNotConfirmable(error: VenueError): string {
	const details = error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : {};
	const state = typeof details.status === 'string' ? details.status : undefined;
	if (conflictReason(error) === 'not_accepted' && (state === 'confirmed' || state === 'expired')) {
		return 'The quote is no longer waiting for confirmation: it was already confirmed, or its confirmation deadline passed.';
	}
	if (state === 'draft') return `The quote is not in the accepted state. ${USE_ACCEPTED_ID}`;
	return `The quote cannot be confirmed now: it is not in the accepted state, or your balance does not cover it. ${USE_ACCEPTED_ID}`;
}

async function confirm(this: IExecuteFunctions, itemIndex: number, session: TotalisSession): Promise<IDataObject> {
	const quoteId = requiredText(
		this,
		itemIndex,
		'quoteId',
		'Quote ID',
		'the quote_id of an accepted quote',
		'Map {{ $json.data.quote_id }} from a quote:accepted item of the Totalis Trigger.',
	);
	const rawDeadline = this.getNodeParameter('confirmationDeadline', itemIndex, '') as unknown;
	const deadline = parseInstant(rawDeadline);
	if (deadline === 'invalid') {
		throw invalid(
			this,
			itemIndex,
			'Confirmation Deadline',
			'an ISO 8601 date (2026-06-01T18:45:30.000Z) or epoch milliseconds',
			rawDeadline,
			'Map {{ $json.data.confirmation_deadline }} from the Totalis Trigger, or leave it empty.',
		);
	}
	const { rateLimitMaxWaitMs } = readCommonOptions(this, itemIndex);

	const response = await totalisRequest(this, {
		baseUrl: session.baseUrl,
		redactor: session.redactor,
		method: 'POST',
		// Documented without the /v1 prefix.
		path: `/mm/quotes/${pathSegment('Quote ID', quoteId)}/confirm`,
		action: `confirm quote "${quoteId}"`,
		retry: { rateLimitMaxWaitMs, retryUntil: deadline, retryOnStatus: [503] },
		schema: confirmResponse,
		itemIndex,
		describeError: (error, status) => {
			if (status === 404) {
				return {
					description:
						'Totalis knows no accepted quote with this ID. Confirm with the quote_id of the quote:accepted (or mm_quote:accepted) event, not the ID Submit Quote returned.',
				};
			}
			if (status === 409) return { description: whyNotConfirmable(error) };
			if (status === 503 && !deadline) {
				return {
					description:
						'Totalis could not verify your balance. No Confirmation Deadline was given, so the node did not retry: map {{ $json.data.confirmation_deadline }} to retry until the deadline.',
				};
			}
			return undefined;
		},
	});
	return {
		...response.body.data,
		latencyMs: response.elapsedMs,
		attempts: response.attempts,
	};
}

export const quoteHandlers: Record<string, OperationHandler> = { confirm };
