/**
 * Runs this package's nodes through n8n-core without a server: what the tests and the demo import.
 * Importing it installs the log recorder as n8n-core's Logger.
 */
export { allLogText, logLines, onLog, type LogLine } from './logs';
export { N8nHarness, type HarnessOptions, type NodeRunResult } from './harness';
export type { CredentialTestResult } from './credentialTester';
export {
	simulatorCredentials,
	useSimulatorCredentials,
	type SimulatorCredentialOptions,
	type VenueCredentialType,
} from './simulatorCredentials';
export { ActiveTrigger, TriggerRecorder, type Emission, type RecorderOptions } from './triggerRecorder';
