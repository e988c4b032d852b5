export {
	requestJson,
	executionCancelSignal,
	fallbackVenueError,
	type ErrorWording,
	type FailureWording,
	type JsonResponse,
	type RequestJsonOptions,
	type RestContext,
	type RetryOptions,
	type VenueError,
} from './restClient';
export { RequestCancelledError, sleep, retryWaitMs, normalizeHeaders, formatDuration, type HeaderMap } from './wait';
export { layeredWording, type VenueCallOptions } from './venueCall';
export { findCause, venueErrorFromEnvelope } from './envelope';
