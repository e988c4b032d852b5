/**
 * n8n's "Test credential" button as n8n's CredentialsTester
 * (packages/cli/src/services/credentials-tester.service.ts, n8n 2.x) builds and judges it: the
 * credential's `test.request` routed through a noOp node, then its rules applied to the answer.
 * N8nHarness.testCredential runs the node through n8n-core's RoutingNode.
 */
import type { ICredentialTestRequest, INode, INodeExecutionData, INodeType } from 'n8n-workflow';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export const TESTER_NODE_TYPE = 'n8n-nodes-base.noOp';

/**
 * As the tester builds it for a test declared on the credential: n8n's noOp node type with one
 * property `temp` whose routing is the test request.
 */
export function testerNodeType(credentialType: string, testRequest: ICredentialTestRequest): INodeType {
	return {
		description: {
			displayName: 'No Operation, do nothing',
			name: TESTER_NODE_TYPE,
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			credentials: [{ name: credentialType, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' }],
		},
	};
}

export function testerNode(credentialType: string): INode {
	return {
		id: 'temp',
		name: 'Temp-Node',
		type: TESTER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialType]: { id: '1', name: 'test credential' } },
	};
}

/** The tester's verdict on an answer: a responseSuccessBody rule whose key holds its value fails the test. */
export function answeredTestResult(
	response: INodeExecutionData[][] | null | undefined,
	testRequest: ICredentialTestRequest,
): CredentialTestResult {
	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const json = response![0][0].json;
			if (lookup(json, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** The tester's verdict on a test request that threw: a matching responseCode rule, else the HTTP or network error. */
export function failedTestResult(caught: unknown, testRequest: ICredentialTestRequest): CredentialTestResult {
	const error = caught as { cause?: { response?: { status: number; statusText?: string }; code?: string }; message: string };
	if (error.cause?.response) {
		const statusCode = error.cause.response.status;
		for (const rule of testRequest.rules ?? []) {
			if (rule.type === 'responseCode' && rule.properties.value === statusCode) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		if (statusCode < 199 || statusCode > 299) {
			return { status: 'Error', message: error.cause.response.statusText || `Received HTTP status code: ${statusCode}` };
		}
	} else if (error.cause?.code) {
		return { status: 'Error', message: error.cause.code };
	}
	return { status: 'Error', message: error.message };
}

/** lodash.get for dotted keys, as the CredentialsTester uses it. */
function lookup(value: unknown, path: string): unknown {
	let current: unknown = value;
	for (const part of path.split('.')) {
		if (current === null || current === undefined) return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}
