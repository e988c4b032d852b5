import type { ZodError, ZodTypeAny } from 'zod';

/**
 * A fast yes/no check compiled from a zod schema, for the per-frame hot path: zod's `safeParse`
 * rebuilds every object it validates (about 1–2 µs a frame), while the question per frame is only
 * "does it match?". The schema stays the one definition: the guard is derived from it, and zod
 * itself explains a frame the guard refuses. Constructs the compiler does not know fall back to
 * zod for that part, so the guard never accepts what zod would refuse.
 */
export type Guard = (value: unknown) => boolean;

/** Checks a value against a schema: undefined when it matches, else which field and what was expected. */
export type Validator = (value: unknown) => string | undefined;

export function compileValidator(schema: ZodTypeAny): Validator {
	const guard = compileGuard(schema);
	return (value) => {
		if (guard(value)) return undefined;
		const checked = schema.safeParse(value);
		return checked.success ? undefined : explainIssues(checked.error);
	};
}

/** Explains a zod failure in one line: which field, what was expected. */
export function explainIssues(error: ZodError): string {
	return error.issues
		.slice(0, 3)
		.map((issue) => `${issue.path.join('.') || '(frame)'}: ${issue.message}`)
		.join('; ');
}

interface Def {
	typeName?: string;
	checks?: Array<{ kind: string; value?: number; inclusive?: boolean }>;
	options?: ZodTypeAny[];
	innerType?: ZodTypeAny;
	type?: ZodTypeAny;
	shape?: () => Record<string, ZodTypeAny>;
	unknownKeys?: string;
	catchall?: ZodTypeAny;
	value?: unknown;
}

export function compileGuard(schema: ZodTypeAny): Guard {
	const def = schema._def as Def;
	const viaZod: Guard = (value) => schema.safeParse(value).success;
	switch (def.typeName) {
		case 'ZodString':
			return withLengthChecks(def, (value) => typeof value === 'string') ?? viaZod;
		case 'ZodNumber':
			return numberGuard(def) ?? viaZod;
		case 'ZodBoolean':
			return (value) => typeof value === 'boolean';
		case 'ZodUnknown':
		case 'ZodAny':
			return () => true;
		case 'ZodLiteral':
			return (value) => value === def.value;
		case 'ZodOptional': {
			const inner = compileGuard(def.innerType!);
			return (value) => value === undefined || inner(value);
		}
		case 'ZodUnion': {
			const options = def.options!.map(compileGuard);
			if (options.length === 2) {
				const [first, second] = options;
				return (value) => first(value) || second(value);
			}
			return (value) => {
				for (let index = 0; index < options.length; index++) if (options[index](value)) return true;
				return false;
			};
		}
		case 'ZodArray': {
			if (def.checks?.length) return viaZod;
			const element = compileGuard(def.type!);
			return (value) => Array.isArray(value) && value.every(element);
		}
		case 'ZodObject': {
			const catchall = (def.catchall?._def as Def | undefined)?.typeName;
			if (def.unknownKeys === 'strict' || (catchall && catchall !== 'ZodNever')) return viaZod;
			const shape = Object.entries(def.shape!());
			// Two flat lists and an index: no pair to destructure per field per call.
			const keys = shape.map(([key]) => key);
			const guards = shape.map(([, field]) => compileGuard(field));
			return (value) => {
				if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
				const record = value as Record<string, unknown>;
				for (let index = 0; index < keys.length; index++) if (!guards[index](record[keys[index]])) return false;
				return true;
			};
		}
		default:
			return viaZod;
	}
}

function withLengthChecks(def: Def, base: Guard): Guard | undefined {
	const checks = def.checks ?? [];
	if (checks.some((check) => check.kind !== 'min' && check.kind !== 'max')) return undefined;
	// Every check folded into one range, decided once here rather than walked per value.
	let min = 0;
	let max = Infinity;
	for (const check of checks) {
		if (check.kind === 'min') min = Math.max(min, check.value!);
		else max = Math.min(max, check.value!);
	}
	if (min === 0 && max === Infinity) return base;
	return (value) => base(value) && (value as string).length >= min && (value as string).length <= max;
}

function numberGuard(def: Def): Guard | undefined {
	const checks = def.checks ?? [];
	if (checks.some((check) => !['int', 'min', 'max'].includes(check.kind))) return undefined;
	return (value) => {
		if (typeof value !== 'number' || !Number.isFinite(value)) return false;
		for (const check of checks) {
			if (check.kind === 'int' && !Number.isInteger(value)) return false;
			if (check.kind === 'min' && (check.inclusive ? value < check.value! : value <= check.value!)) return false;
			if (check.kind === 'max' && (check.inclusive ? value > check.value! : value >= check.value!)) return false;
		}
		return true;
	};
}
