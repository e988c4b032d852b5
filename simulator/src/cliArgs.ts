/** Command-line options of the simulator CLI. */
import { addDialectArg, type DialectChoice } from './dialects';

export interface CliOptions {
	host: string;
	port: number;
	market: boolean;
	seed: number | undefined;
	/** Each venue's dialect (dialects.ts); a venue left out speaks its default. */
	dialects: DialectChoice;
	help: boolean;
}

export const CLI_USAGE = `Usage: trading-venues-simulator [--port 5700] [--host 127.0.0.1] [--no-market] [--seed N] [--dialect V=D]

  --port N      port to listen on (default 5700; 0 picks a free one)
  --host H      address to bind (default 127.0.0.1)
  --no-market   do not run the live market (requests only appear when driven)
  --seed N      replay the same random market
  --dialect V=D speak dialect D on venue V where the venues' docs are silent (repeatable):
                totalis=docs|mm-channel, helio=camel|snake, agg=short|long,
                openmarkets=docs|variant; "--dialect variant" picks every venue's second
  --help        this text`;

export function parseCliArgs(argv: readonly string[]): CliOptions {
	const options: CliOptions = { host: '127.0.0.1', port: 5700, market: true, seed: undefined, dialects: {}, help: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = (): string => {
			const next = inline ?? argv[++i];
			if (next === undefined) throw new Error(`${flag} needs a value`);
			return next;
		};
		switch (flag) {
			case '--port':
				options.port = parseInteger(flag, value(), 0, 65535);
				break;
			case '--host':
				options.host = value();
				break;
			case '--seed':
				options.seed = parseInteger(flag, value(), 0, 2 ** 32 - 1);
				break;
			case '--dialect':
				addDialectArg(options.dialects, value());
				break;
			case '--no-market':
				options.market = false;
				break;
			case '--help':
			case '-h':
				options.help = true;
				break;
			default:
				throw new Error(`unknown option ${argv[i]}`);
		}
	}
	return options;
}

function parseInteger(flag: string, text: string, min: number, max: number): number {
	const value = Number(text);
	if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${flag} must be an integer from ${min} to ${max}`);
	return value;
}
