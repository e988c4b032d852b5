/**
 * A small client for a running n8n: the owner's session (`/rest`, cookie) for what only the
 * editor can do (API keys, manual runs, trigger status), and the public API (`/api/v1`, X-N8N-API-KEY) for the
 * rest. Every failure says which request it was, the HTTP status and the body.
 */
import type { N8nOwner } from './n8nProcess';
import { pollUntil } from './pollUntil';

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	disabled?: boolean;
}

export interface WorkflowInput {
	name: string;
	nodes: WorkflowNode[];
	/** `{ [fromNode]: { main: [[{ node, type: 'main', index }]] } }`. Default none. */
	connections?: Record<string, unknown>;
	/** Default `{ executionOrder: 'v1' }`. */
	settings?: Record<string, unknown>;
}

export interface N8nWorkflow {
	id: string;
	name: string;
	active: boolean;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface N8nCredential {
	id: string;
	name: string;
	type: string;
	[key: string]: unknown;
}

export interface ExecutionItem {
	json: Record<string, unknown>;
	[key: string]: unknown;
}

/** One run of one node: its outputs (`main[output][item]`), or its error. */
export interface NodeRun {
	data?: { main?: Array<ExecutionItem[] | null> };
	error?: { message?: string; [key: string]: unknown };
	executionStatus?: string;
	[key: string]: unknown;
}

export interface N8nExecution {
	id: string;
	workflowId: string;
	/** success, error, running, waiting, canceled, crashed, new */
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
	/** Present with includeData. */
	data?: {
		resultData?: {
			runData?: Record<string, NodeRun[]>;
			error?: { message?: string; [key: string]: unknown };
			lastNodeExecuted?: string;
		};
		[key: string]: unknown;
	};
	[key: string]: unknown;
}

export interface ListExecutionsOptions {
	workflowId?: string;
	includeData?: boolean;
	status?: 'canceled' | 'error' | 'running' | 'success' | 'waiting';
}

export interface ManualRunStarted {
	/** Set once n8n started an execution. */
	executionId?: string;
	/** n8n waits for a webhook call (webhook-based triggers). */
	waitingForWebhook?: boolean;
	[key: string]: unknown;
}

/** n8n's view of a workflow's triggers (its publication, in n8n 2.41's words). */
export interface PublicationStatus {
	/** in_progress while queued or starting; then published, partial, failed, or not_published (inactive). */
	status: 'in_progress' | 'published' | 'partial' | 'failed' | 'not_published' | string;
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export interface PublicationWaitOptions {
	/** Wait until n8n has started (or stopped) the triggers. Default true. */
	waitForTriggers?: boolean;
	/** Default 60 s: n8n retries a failing trigger for about 15 s before it reports the failure. */
	timeoutMs?: number;
}

export class N8nActivationError extends Error {
	constructor(
		readonly workflowId: string,
		readonly publication: PublicationStatus,
		message: string,
	) {
		super(message);
		this.name = 'N8nActivationError';
	}
}

export class N8nApiError extends Error {
	constructor(
		readonly method: string,
		readonly path: string,
		readonly status: number,
		readonly body: string,
	) {
		super(`n8n ${method} ${path} answered ${status}: ${body.slice(0, 2000) || '(empty body)'}`);
		this.name = 'N8nApiError';
	}
}

type Auth = 'session' | 'apiKey' | 'none';

interface RequestOptions {
	auth: Auth;
	body?: unknown;
	query?: Record<string, string | number | boolean | undefined>;
}

/** The public API's page size limit. */
const PAGE_SIZE = 250;

export class N8nApi {
	private sessionCookie: string | undefined;
	private apiKey: string | undefined;

	constructor(readonly baseUrl: string) {}

	/** Signs in as `owner` and creates an API key with every scope: ready for both halves of the API. */
	static async connect(baseUrl: string, owner: N8nOwner): Promise<N8nApi> {
		const api = new N8nApi(baseUrl);
		await api.login(owner);
		await api.createApiKey();
		return api;
	}

	/** `POST /rest/login`: keeps the session cookie (n8n-auth). */
	async login(owner: N8nOwner): Promise<void> {
		const response = await this.send('POST', '/rest/login', {
			auth: 'none',
			body: { emailOrLdapLoginId: owner.email, password: owner.password },
		});
		const cookie = response.headers
			.getSetCookie()
			.map((header) => header.split(';')[0])
			.find((pair) => pair.startsWith('n8n-auth='));
		if (!cookie) throw new Error(`n8n POST /rest/login answered ${response.status} without an n8n-auth cookie`);
		this.sessionCookie = cookie;
	}

	/** `POST /rest/api-keys` with every scope n8n offers this user; the key is used from then on. */
	async createApiKey(label = `e2e ${new Date().toISOString()}`): Promise<string> {
		const scopes = await this.json<{ data: string[] }>('GET', '/rest/api-keys/scopes', { auth: 'session' });
		const created = await this.json<{ data: { rawApiKey?: string } }>('POST', '/rest/api-keys', {
			auth: 'session',
			body: { label, scopes: scopes.data, expiresAt: null },
		});
		if (!created.data.rawApiKey) throw new Error('n8n POST /rest/api-keys answered without rawApiKey');
		this.apiKey = created.data.rawApiKey;
		return this.apiKey;
	}

	// ---- public API (/api/v1) ----

	createCredential(input: { name: string; type: string; data: Record<string, unknown> }): Promise<N8nCredential> {
		return this.json('POST', '/api/v1/credentials', { auth: 'apiKey', body: input });
	}

	/** Replaces a credential's data (PATCH /api/v1/credentials/<id>). */
	updateCredential(id: string, data: Record<string, unknown>): Promise<N8nCredential> {
		return this.json('PATCH', `/api/v1/credentials/${encodeURIComponent(id)}`, { auth: 'apiKey', body: { data } });
	}

	createWorkflow(input: WorkflowInput): Promise<N8nWorkflow> {
		const body = { connections: {}, settings: { executionOrder: 'v1' }, ...input };
		return this.json('POST', '/api/v1/workflows', { auth: 'apiKey', body });
	}

	getWorkflow(id: string): Promise<N8nWorkflow> {
		return this.json('GET', `/api/v1/workflows/${encodeURIComponent(id)}`, { auth: 'apiKey' });
	}

	/**
	 * Activates (publishes) the workflow. n8n 2.41 only queues the publication and answers at
	 * once; its triggers start afterwards, retried with backoff when they fail. So by default this
	 * waits until n8n reports every trigger started (their `trigger()` resolved), and fails with
	 * the triggers' errors when the publication failed. `waitForTriggers: false` returns at once.
	 */
	async activateWorkflow(id: string, options: PublicationWaitOptions = {}): Promise<N8nWorkflow> {
		const workflow = await this.json<N8nWorkflow>('POST', `/api/v1/workflows/${encodeURIComponent(id)}/activate`, { auth: 'apiKey' });
		if (options.waitForTriggers === false) return workflow;
		const settled = await this.waitForPublication(id, options.timeoutMs);
		if (settled.status !== 'published') {
			const errors = settled.triggers
				.filter((trigger) => trigger.errorMessage)
				.map((trigger) => `node ${trigger.nodeId}: ${trigger.errorMessage}`);
			throw new N8nActivationError(
				id,
				settled,
				`Workflow ${id} did not activate (publication ${settled.status}): ${errors.join('; ') || 'no error reported'}`,
			);
		}
		return workflow;
	}

	/** Deactivates the workflow; by default waits until n8n has closed its triggers (queued too, like activation). */
	async deactivateWorkflow(id: string, options: PublicationWaitOptions = {}): Promise<N8nWorkflow> {
		const workflow = await this.json<N8nWorkflow>('POST', `/api/v1/workflows/${encodeURIComponent(id)}/deactivate`, { auth: 'apiKey' });
		if (options.waitForTriggers === false) return workflow;
		const settled = await this.waitForPublication(id, options.timeoutMs);
		if (settled.status !== 'not_published') {
			throw new N8nActivationError(id, settled, `Workflow ${id} still has triggers after deactivation (publication ${settled.status})`);
		}
		return workflow;
	}

	/** Every execution that matches, newest first, following the pages. */
	async listExecutions(options: ListExecutionsOptions = {}): Promise<N8nExecution[]> {
		const executions: N8nExecution[] = [];
		let cursor: string | undefined;
		do {
			const page = await this.json<{ data: N8nExecution[]; nextCursor?: string | null }>('GET', '/api/v1/executions', {
				auth: 'apiKey',
				query: { workflowId: options.workflowId, includeData: options.includeData, status: options.status, limit: PAGE_SIZE, cursor },
			});
			executions.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return executions;
	}

	getExecution(id: string, options: { includeData?: boolean } = {}): Promise<N8nExecution> {
		return this.json('GET', `/api/v1/executions/${encodeURIComponent(id)}`, {
			auth: 'apiKey',
			query: { includeData: options.includeData },
		});
	}

	// ---- the editor's API (/rest, session) ----

	/**
	 * Runs the saved workflow from `triggerNodeName` in manual mode, as the editor's button does:
	 * n8n calls the trigger's `trigger()` and waits for its first emit (or until stopped).
	 */
	async runManual(workflowId: string, triggerNodeName: string): Promise<ManualRunStarted> {
		const answer = await this.json<{ data: ManualRunStarted }>('POST', `/rest/workflows/${encodeURIComponent(workflowId)}/run`, {
			auth: 'session',
			body: { triggerToStartFrom: { name: triggerNodeName } },
		});
		return answer.data;
	}

	/** Where n8n is with starting (or stopping) the workflow's triggers: `GET /rest/workflows/<id>/publication-status`. */
	async publicationStatus(workflowId: string): Promise<PublicationStatus> {
		const answer = await this.json<{ data: PublicationStatus }>(
			'GET',
			`/rest/workflows/${encodeURIComponent(workflowId)}/publication-status`,
			{ auth: 'session' },
		);
		return answer.data;
	}

	/** Polls the publication status until n8n is done with the queued (de)activation. */
	async waitForPublication(workflowId: string, timeoutMs = 60_000): Promise<PublicationStatus> {
		let last: PublicationStatus | undefined;
		return pollUntil(
			async () => {
				last = await this.publicationStatus(workflowId);
				return last.status === 'in_progress' ? undefined : last;
			},
			{ timeoutMs, intervalMs: 100, description: () => `workflow ${workflowId}'s publication to settle (last: ${JSON.stringify(last)})` },
		);
	}

	/** Stops a running or waiting execution (a manual trigger run still listening). */
	async stopExecution(executionId: string): Promise<void> {
		await this.json('POST', `/rest/executions/${encodeURIComponent(executionId)}/stop`, { auth: 'session' });
	}

	/** The node types n8n loaded, as the editor gets them (e.g. 'n8n-nodes-trading-venues.totalisTrigger'). */
	async nodeTypeNames(): Promise<string[]> {
		const types = await this.json<Array<{ name: string }>>('GET', '/types/nodes.json', { auth: 'session' });
		return [...new Set(types.map((type) => type.name))];
	}

	/** The parameter names a loaded node type declares (any version), as the editor sees them; [] if the type is unknown. */
	async nodeTypeParameters(typeName: string): Promise<string[]> {
		const types = await this.json<Array<{ name: string; properties?: Array<{ name: string }> }>>('GET', '/types/nodes.json', {
			auth: 'session',
		});
		const names = types
			.filter((type) => type.name === typeName)
			.flatMap((type) => (type.properties ?? []).map((property) => property.name));
		return [...new Set(names)];
	}

	// ---- transport ----

	private async json<T>(method: string, path: string, options: RequestOptions): Promise<T> {
		const response = await this.send(method, path, options);
		const text = await response.text();
		try {
			return (text ? JSON.parse(text) : undefined) as T;
		} catch {
			throw new N8nApiError(method, path, response.status, `not JSON: ${text}`);
		}
	}

	private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
		const url = new URL(path, this.baseUrl);
		for (const [key, value] of Object.entries(options.query ?? {})) {
			if (value !== undefined) url.searchParams.set(key, String(value));
		}
		const headers: Record<string, string> = { accept: 'application/json' };
		if (options.body !== undefined) headers['content-type'] = 'application/json';
		if (options.auth === 'session') {
			if (!this.sessionCookie) throw new Error(`n8n ${method} ${path} needs a session: call login() first`);
			headers.cookie = this.sessionCookie;
		} else if (options.auth === 'apiKey') {
			if (!this.apiKey) throw new Error(`n8n ${method} ${path} needs an API key: call createApiKey() first`);
			headers['x-n8n-api-key'] = this.apiKey;
		}
		const response = await fetch(url, {
			method,
			headers,
			body: options.body === undefined ? undefined : JSON.stringify(options.body),
			signal: AbortSignal.timeout(60_000),
		});
		if (!response.ok) throw new N8nApiError(method, url.pathname + url.search, response.status, await response.text());
		return response;
	}
}
