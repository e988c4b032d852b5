/** What REST clients send in query strings (zod): a failure names the first offending field. */
import { z } from 'zod';
import { CONTEST_STATUSES } from './catalog';

export const DEFAULT_PAGE_LIMIT = 50;

/** `a,b , c` → ['a', 'b', 'c']; an empty value is no filter. */
const commaList = z
	.string()
	.transform((text) =>
		text
			.split(',')
			.map((part) => part.trim())
			.filter(Boolean),
	)
	.optional();

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}/, 'Expected an ISO 8601 date')
	.refine((text) => !Number.isNaN(Date.parse(text)), 'Expected an ISO 8601 date')
	.transform((text) => Date.parse(text))
	.optional();

export function pageQuerySchema(pageSizeMax: number) {
	return z.object({
		cursor: z.string().min(1).optional(),
		limit: z.coerce.number().int().min(1).max(pageSizeMax).default(Math.min(DEFAULT_PAGE_LIMIT, pageSizeMax)),
	});
}

export const participantsQuerySchema = z.object({ league_id: commaList });

export const contestsQuerySchema = z.object({
	league_id: commaList,
	status: commaList.pipe(z.array(z.enum(CONTEST_STATUSES)).optional()),
	starts_after: isoDate,
	starts_before: isoDate,
});
