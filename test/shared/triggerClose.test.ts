/**
 * Closing a stream trigger (nodes/shared/delivery/triggerHost.ts) when a step of the close fails:
 * n8n gets a TriggerCloseError, so it reports the failure and deactivates the workflow all the
 * same, and the other steps still run. Through n8n-core's TriggerContext and, for the
 * deactivation, n8n-core's own ActiveWorkflowTriggers.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { ActiveWorkflowTriggers, TriggerContext, TriggersAndPollers } from 'n8n-core';
import { TriggerCloseError, type INodeType, type INodeTypeDescription, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

import { runStreamTrigger } from '../../nodes/shared/delivery/triggerHost';
import { Redactor } from '../../nodes/shared/redact';
import { N8nHarness, logLines } from '../harness/n8n';

const SECRET = 'close_probe_secret_4242';

/** What stopping the stream throws on close (the test sets it), and what was stopped, in order. */
let closeFailure: Error | undefined;
const stopped: string[] = [];

/** A stream trigger whose stream and companion are fakes: only the trigger host is real. */
class CloseProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Close Probe',
		name: 'closeProbe',
		group: ['trigger'],
		version: 1,
		description: 'test probe for closing a stream trigger',
		defaults: { name: 'Close Probe' },
		inputs: [],
		outputs: ['main'] as INodeTypeDescription['outputs'],
		properties: [],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return await runStreamTrigger(this, {
			venueName: 'Probe',
			redactor: new Redactor([SECRET]),
			delivery: { mode: 'each', windowMs: 0, maxItems: 0, keepLatest: false },
			createEngine: () => ({
				start: async () => {},
				stop: async (reason) => {
					stopped.push('stream');
					if (reason === 'closed by n8n' && closeFailure) throw closeFailure;
				},
			}),
			createCompanions: () => [{ start() {}, stop: () => void stopped.push('companion') }],
		});
	}
}

const harness = new N8nHarness({ nodes: { closeProbe: CloseProbe }, credentialTypes: [] });

beforeEach(() => {
	closeFailure = undefined;
	stopped.length = 0;
});

describe('closing a stream trigger', () => {
	it('closes quietly when every step succeeds', async () => {
		const trigger = await harness.startTrigger('closeProbe', {}, '');
		await expect(trigger.close()).resolves.toBeUndefined();
		expect(stopped).toEqual(['stream', 'companion']);
	});

	it('turns a failing step into a TriggerCloseError carrying the failure, redacted, after running the other steps', async () => {
		closeFailure = new Error(`the socket would not close: wss://venue.test/ws?session=${SECRET}`);
		const trigger = await harness.startTrigger('closeProbe', {}, '');
		const error = await trigger.close().then(
			() => undefined,
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(TriggerCloseError);
		const closeError = error as TriggerCloseError;
		expect(closeError.node.name).toBe('Node Under Test');
		expect(closeError.level).toBe('warning');
		expect(closeError.cause).toBe(closeFailure);
		expect(closeFailure.message).toBe('the socket would not close: wss://venue.test/ws?session=***');
		expect(stopped).toEqual(['stream', 'companion']);
		expect(logLines).toContainEqual(
			expect.objectContaining({
				level: 'warn',
				message: 'Probe: closing failed: the socket would not close: wss://venue.test/ws?session=***',
			}),
		);
	});

	it('lets n8n-core deactivate the workflow all the same, reporting the failure', async () => {
		const reported: Error[] = [];
		const schedules = {
			deregisterGroup: () => false,
			deregisterTarget: () => {},
			hasGroup: () => false,
			hasTarget: () => false,
			getTargetIds: () => [],
		};
		const active = new ActiveWorkflowTriggers(
			Container.get(Logger),
			schedules as never,
			new TriggersAndPollers(),
			{ error: (error: Error) => reported.push(error) } as never,
			{} as never,
		);
		const workflow = harness.workflow([harness.node('closeProbe', {})]);
		await active.addAllTriggers(
			workflow.id,
			workflow,
			harness.additionalData('trigger', workflow.id),
			'trigger',
			'activate',
			(wf, node, additionalData, mode, activation) =>
				new TriggerContext(
					wf,
					node,
					additionalData,
					mode,
					activation,
					() => {},
					() => {},
					() => {},
				),
			() => {
				throw new Error('this workflow has no poll nodes');
			},
		);
		expect(active.isActive(workflow.id)).toBe(true);

		closeFailure = new Error('the socket would not close');
		await expect(active.remove(workflow.id)).resolves.toBe(true);
		expect(active.isActive(workflow.id)).toBe(false);
		expect(reported).toHaveLength(1);
		expect(reported[0]).toBeInstanceOf(TriggerCloseError);
		expect(reported[0].cause).toBe(closeFailure);
	});
});

describe('triggerCloseError on an n8n-workflow without TriggerCloseError (before 1.35.0)', () => {
	it('is the failure itself, as closeFunction threw before', () => {
		jest.isolateModules(() => {
			jest.doMock('n8n-workflow', () => ({ ...jest.requireActual<object>('n8n-workflow'), TriggerCloseError: undefined }));
			const { triggerCloseError } = require('../../nodes/shared/errors') as typeof import('../../nodes/shared/errors');
			const node = harness.node('closeProbe', {});
			const failure = new Error('the socket would not close');
			expect(triggerCloseError(node, failure)).toBe(failure);
			const wrapped = triggerCloseError(node, 'not an Error');
			expect(wrapped).toBeInstanceOf(Error);
			expect(wrapped.message).toBe('not an Error');
		});
		jest.dontMock('n8n-workflow');
	});
});
