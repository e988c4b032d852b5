/** Resource "Quote": confirm a quote a taker accepted. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { invalid, parseInstant, readCommonOptions, requiredText, type OperationHandler, type TotalisSession } from './common';
import { confirmQuote } from '../confirmQuote';

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
			"The accepted quote: map the quote_id of the Totalis Trigger's Quote Accepted item (Totalis event quote:accepted or mm_quote:accepted). Not the ID your Submit Quote returned: that draft ID cannot be confirmed.",
	},
	{
		displayName: 'Confirmation Deadline',
		name: 'confirmationDeadline',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2026-06-01T18:45:35.000Z',
		displayOptions: { show: { resource: ['quote'], operation: ['confirm'] } },
		description:
			'When the confirmation window closes, as an ISO date or epoch milliseconds: map the confirmation_deadline of the Totalis Trigger\'s Quote Accepted item. With it, a "service unavailable" (503) answer is retried quickly until the deadline, never after it; without it, a 503 fails at once.',
	},
];

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

	return await confirmQuote(this, {
		baseUrl: session.baseUrl,
		redactor: session.redactor,
		quoteId,
		deadline,
		rateLimitMaxWaitMs,
		itemIndex,
	});
}

export const quoteHandlers: Record<string, OperationHandler> = { confirm };
