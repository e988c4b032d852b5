/**
 * The environment of a local, quiet n8n that reaches no outside host. It is built from scratch
 * (plus a few neutral variables of this process), so nothing from the caller's environment (a
 * jest N8N_USER_FOLDER, NODE_ENV=test, a proxy, npm's variables) changes how n8n runs.
 */
import { prependPath, type NodeRuntime } from './nodeRuntime';

/** Taken over from this process: what a program needs to find its home, locale and temp folder. */
const INHERITED = ['HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'TMP', 'TEMP'];

export interface N8nEnvOptions {
	runtime: NodeRuntime;
	userFolder: string;
	port: number;
	/** The task broker's port; each instance needs its own (default 5679 would collide). */
	brokerPort: number;
	owner: { email: string; passwordHash: string };
	/** n8n's log level: error, warn, info, debug. */
	logLevel: string;
	/** Extra variables, applied last; undefined removes one. */
	extra?: Record<string, string | undefined>;
}

export function n8nEnvironment(options: N8nEnvOptions): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const key of INHERITED) if (process.env[key] !== undefined) env[key] = process.env[key];
	Object.assign(env, {
		// n8n starts its task runner as plain `node`: this Node must come first.
		PATH: prependPath(options.runtime.binDir, process.env.PATH),
		NODE_ENV: 'production',

		N8N_USER_FOLDER: options.userFolder,
		N8N_PORT: String(options.port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		N8N_LOG_LEVEL: options.logLevel,
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '15',

		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',

		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: options.owner.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: options.owner.passwordHash,

		N8N_PUBLIC_API_DISABLED: 'false',
		// Community packages are loaded from <user folder>/.n8n/nodes; n8n must never reinstall them from a registry.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',

		// Everything that calls n8n's own services (telemetry, banners, templates, versions, the
		// vetted community-node list, the MCP registry, AI features): off. The license SDK renews
		// nothing without a certificate, which a fresh user folder does not have.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
	});
	for (const [key, value] of Object.entries(options.extra ?? {})) {
		if (value === undefined) delete env[key];
		else env[key] = value;
	}
	return env;
}
