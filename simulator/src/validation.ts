/** zod errors as the venues report them: the first offending field by its dotted path. */
import type { z } from 'zod';

export interface DescribedZodError {
	/** 'payout_odds: Expected number, received string'. */
	message: string;
	/** The first offending field, '(body)' when the whole value is wrong. */
	field: string;
	issues: Array<{ field: string; message: string }>;
}

export function describeZodError(error: z.ZodError): DescribedZodError {
	const issues = error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
	const first = issues[0] ?? { field: '(body)', message: 'invalid' };
	return { message: `${first.field}: ${first.message}`, field: first.field, issues };
}
