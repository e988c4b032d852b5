/**
 * The messages between a stream running in a worker thread (workerHost.ts) and the trigger's side
 * of it (workerRunner.ts). Everything in them is structured-cloneable: plain data, no functions,
 * no class instances (a StreamFailure travels as its fields).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Delivered } from '../items';
import type { BadFrameReport, RefusalState } from './StreamEngine';
import type { FailureKind } from './errors';

/** A StreamFailure (or any error) as fields; `kind` is absent for an error that was not a StreamFailure. */
export interface FailureMessage {
	kind?: FailureKind;
	message: string;
	details?: { httpStatus?: number; venueCode?: string; closeCode?: number; explanation?: string };
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** From the trigger to the worker. */
export type ToWorker =
	| { type: 'init'; init: unknown }
	| { type: 'stop'; reason: string }
	| { type: 'credentials'; id: number; value?: unknown; error?: string };

/** From the worker to the trigger. */
export type FromWorker =
	| { type: 'started' }
	| { type: 'failed'; failure: FailureMessage }
	| { type: 'event'; delivered: Delivered }
	| { type: 'log'; level: LogLevel; message: string; meta?: IDataObject }
	| { type: 'badFrame'; report: BadFrameReport }
	| { type: 'refused'; failure: FailureMessage; state: RefusalState }
	| { type: 'fatal'; failure: FailureMessage }
	| { type: 'readCredentials'; id: number }
	| { type: 'stopped' };
