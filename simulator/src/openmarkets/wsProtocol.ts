/** What clients send over the OpenMarkets stream (the three actions of docs/venues/openmarkets.md#subscribe), read into a message or the error to answer. */
import { z } from 'zod';
import { describeZodError } from '../validation';
import { POLICY_VIOLATION } from '../wsConnections';

export const CHANNELS = ['liquidity', 'contest_state'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Codes of `{"type":"error","code"}`: the first two are the docs', the others ours [inferred]. */
export const WS_ERROR = {
	invalidMessage: 'invalid_message',
	invalidChannel: 'invalid_channel',
	contestLimitExceeded: 'contest_limit_exceeded',
	unknownContest: 'unknown_contest',
} as const;

/** Close code of the sockets of a revoked key [inferred]. */
export const KEY_REVOKED_CLOSE = POLICY_VIOLATION;

export type ClientMessage = { action: 'subscribe' | 'unsubscribe'; channel: Channel; contest_ids: string[] } | { action: 'ping' };

export type ReadResult = { ok: true; message: ClientMessage } | { ok: false; code: string; message: string };

const contestIdsSchema = z.object({ contest_ids: z.array(z.string().min(1)) });

/** `parsed` is the frame's JSON, undefined when it was not JSON (or binary). */
export function readClientMessage(parsed: unknown): ReadResult {
	if (parsed === undefined) return refused(WS_ERROR.invalidMessage, 'Malformed message: not valid JSON');
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		return refused(WS_ERROR.invalidMessage, 'Malformed message: expected a JSON object with an "action"');
	}
	const { action, channel, contest_ids: contestIds } = parsed as Record<string, unknown>;
	if (action === 'ping') return { ok: true, message: { action } };
	if (action !== 'subscribe' && action !== 'unsubscribe') {
		return refused(WS_ERROR.invalidMessage, `Unknown action: ${typeof action === 'string' ? action : JSON.stringify(action ?? null)}`);
	}
	if (typeof channel !== 'string' || !(CHANNELS as readonly string[]).includes(channel)) {
		return refused(WS_ERROR.invalidChannel, `Unknown channel: ${String(channel)} (channels: ${CHANNELS.join(', ')})`);
	}
	const ids = contestIdsSchema.safeParse({ contest_ids: contestIds });
	if (!ids.success) return refused(WS_ERROR.invalidMessage, `Invalid ${action}: ${describeZodError(ids.error).message}`);
	return { ok: true, message: { action, channel: channel as Channel, contest_ids: [...new Set(ids.data.contest_ids)] } };
}

function refused(code: string, message: string): ReadResult {
	return { ok: false, code, message };
}
