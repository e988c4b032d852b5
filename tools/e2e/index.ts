/**
 * A real n8n with this package installed as a community node, for `npm run dev` (a person opens
 * the editor) and the e2e tests (which assert on what n8n executed):
 *
 *   const n8n = await startN8nWithPackage();
 *   await n8n.api.createWorkflow(…);
 *   await n8n.stop();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { installCommunityPackage, type InstalledCommunityPackage } from './communityPackage';
import { N8nApi } from './n8nApi';
import { ensureN8n, type N8nInstallation } from './n8nInstall';
import { startN8n, type N8nOwner, type RunningN8n, type StartN8nOptions } from './n8nProcess';
import { formatDuration, logToStderr, type LogLine } from './progress';

export const TOTALIS_TRIGGER_TYPE = 'n8n-nodes-trading-venues.totalisTrigger';
export const TOTALIS_ACTION_TYPE = 'n8n-nodes-trading-venues.totalis';
export const TOTALIS_CREDENTIAL_TYPE = 'totalisApi';

export interface StartN8nWithPackageOptions {
	/** Default: a free port. */
	port?: number;
	/** Default: a new temporary folder, deleted by stop(). A given folder is kept (its workflows survive restarts). */
	userFolder?: string;
	/** Keep the temporary user folder after stop() (to read n8n.log). */
	keepUserFolder?: boolean;
	/** Build the package before packing it (default true). */
	build?: boolean;
	owner?: N8nOwner;
	env?: StartN8nOptions['env'];
	logLevel?: StartN8nOptions['logLevel'];
	/** Every line n8n prints. */
	onOutput?: (line: string) => void;
	/** Progress lines (default: stderr). */
	log?: LogLine;
}

export interface N8nWithPackage {
	/** Signed in as the owner, with an API key. */
	api: N8nApi;
	baseUrl: string;
	userFolder: string;
	owner: N8nOwner;
	n8n: RunningN8n;
	installation: N8nInstallation;
	package: InstalledCommunityPackage;
	/** Stops n8n (every process of it) and removes a temporary user folder. */
	stop(): Promise<void>;
}

export async function startN8nWithPackage(options: StartN8nWithPackageOptions = {}): Promise<N8nWithPackage> {
	const log = options.log ?? logToStderr;
	const installation = await ensureN8n({ log });
	const temporary = options.userFolder === undefined;
	const userFolder = options.userFolder ?? (await mkdtemp(join(tmpdir(), 'trading-venues-n8n-e2e-')));
	const removeTemporary = async (): Promise<void> => {
		if (temporary && !options.keepUserFolder) await rm(userFolder, { recursive: true, force: true });
	};

	let n8n: RunningN8n | undefined;
	try {
		const installed = await installCommunityPackage({ userFolder, build: options.build, runtime: installation.runtime, log });
		n8n = await startN8n({
			installation,
			userFolder,
			port: options.port,
			owner: options.owner,
			env: options.env,
			logLevel: options.logLevel,
			onOutput: options.onOutput,
			log,
		});
		log(`[n8n] ready at ${n8n.baseUrl} in ${formatDuration(n8n.startupMs)} (user folder ${userFolder})`);
		const api = await N8nApi.connect(n8n.baseUrl, n8n.owner);
		const running = n8n;
		return {
			api,
			baseUrl: running.baseUrl,
			userFolder,
			owner: running.owner,
			n8n: running,
			installation,
			package: installed,
			stop: async () => {
				await running.stop();
				await removeTemporary();
			},
		};
	} catch (error) {
		if (n8n === undefined && temporary) {
			// n8n did not come up: its folder (n8n.log, a failed start's log) is what explains why.
			log(`[n8n] kept its user folder for its logs: ${userFolder}`);
			throw error;
		}
		await n8n?.stop().catch(() => undefined);
		await removeTemporary();
		throw error;
	}
}

export { ensureN8n, defaultN8nDir, N8N_VERSION, type N8nInstallation, type EnsureN8nOptions } from './n8nInstall';
export {
	installCommunityPackage,
	findRepoRoot,
	type InstalledCommunityPackage,
	type InstallCommunityPackageOptions,
} from './communityPackage';
export { startN8n, DEFAULT_OWNER, type N8nOwner, type RunningN8n, type StartN8nOptions } from './n8nProcess';
export {
	N8nApi,
	N8nApiError,
	N8nActivationError,
	type PublicationStatus,
	type PublicationWaitOptions,
	type N8nCredential,
	type N8nExecution,
	type N8nWorkflow,
	type WorkflowInput,
	type WorkflowNode,
	type NodeRun,
	type ManualRunStarted,
	type ListExecutionsOptions,
} from './n8nApi';
export { nodeOutputJson, waitForExecution, type WaitForExecutionOptions } from './executions';
export { pollUntil, type PollOptions } from './pollUntil';
export { isProcessGroupAlive, processGroupMembers } from './processGroup';
export type { OutboundAttempt } from './childPreload';
