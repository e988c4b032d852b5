/** Resource "Market Maker": keep your market-maker session live. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { readCommonOptions, type OperationHandler, type TotalisSession } from './common';
import { totalisRequest } from '../transport';

export const marketMakerOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['marketMaker'] } },
	options: [
		{
			name: 'Heartbeat',
			value: 'heartbeat',
			action: 'Send a market maker heartbeat',
			description:
				'Tell Totalis you are live and quoting. Send one at least every 30 seconds while quoting (the Totalis Trigger can send them for you).',
		},
	],
	default: 'heartbeat',
};

export const marketMakerFields: INodeProperties[] = [];

const heartbeatResponse = z.object({
	data: z.object({ status: z.string(), mm_id: z.string(), ttl_ms: z.number() }).passthrough(),
});

async function heartbeat(this: IExecuteFunctions, itemIndex: number, session: TotalisSession): Promise<IDataObject> {
	const { rateLimitMaxWaitMs } = readCommonOptions(this, itemIndex);
	const response = await totalisRequest(this, {
		baseUrl: session.baseUrl,
		redactor: session.redactor,
		method: 'POST',
		path: '/v1/mm/heartbeat',
		action: 'send the market-maker heartbeat',
		retry: { rateLimitMaxWaitMs },
		schema: heartbeatResponse,
		itemIndex,
	});
	return response.body.data as IDataObject;
}

export const marketMakerHandlers: Record<string, OperationHandler> = { heartbeat };
