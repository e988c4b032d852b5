/** What `npm run bench:n8n` runs: the tables BENCH_N8N_TABLES picks, and the order of the per-rate runs. */
import { DEFAULT_MAX_IN_FLIGHT } from '../../nodes/shared/delivery/executionGate';
import { parseTables, rateRuns } from '../../tools/bench/n8n/plan';

describe('bench:n8n plan', () => {
	it('runs every table unless BENCH_N8N_TABLES names some', () => {
		expect([...parseTables(undefined)]).toEqual(['settings', 'latency', 'rates', 'throughput']);
		expect([...parseTables(' ')]).toEqual(['settings', 'latency', 'rates', 'throughput']);
		expect([...parseTables('Latency, rates')]).toEqual(['latency', 'rates']);
	});

	it('refuses a table it does not know, naming the variable and the tables', () => {
		expect(() => parseTables('latency,speed')).toThrow(
			'BENCH_N8N_TABLES must list some of settings, latency, rates, throughput separated by commas, got latency,speed',
		);
	});

	it('runs every capped rate before any uncapped one, each rate in both modes', () => {
		const runs = rateRuns([50, 1000]);
		const label = ({ ratePerSecond, mode, maxInFlight }: (typeof runs)[number]) => `${ratePerSecond} ${mode} ${maxInFlight}`;
		expect(runs.map(label)).toEqual([
			`50 each ${DEFAULT_MAX_IN_FLIGHT}`,
			`50 batch ${DEFAULT_MAX_IN_FLIGHT}`,
			`1000 each ${DEFAULT_MAX_IN_FLIGHT}`,
			`1000 batch ${DEFAULT_MAX_IN_FLIGHT}`,
			'50 each 0',
			'50 batch 0',
			'1000 each 0',
			'1000 batch 0',
		]);
	});
});
