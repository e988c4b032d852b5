/** The shared REST client's public entry: venue transports and nodes import from here. */
export { requestJson, executionCancelSignal } from './restClient';
export { UnexpectedReplyError } from './restErrors';
export { fallbackVenueError, findCause, venueErrorFromEnvelope } from './envelope';
export type { ErrorWording, FailureWording, JsonResponse, RequestJsonOptions, RestContext, RetryOptions, VenueError } from './types';
export { RequestCancelledError, sleep, retryWaitMs, normalizeHeaders, formatDuration, type HeaderMap } from './wait';
export { layeredWording, type VenueCallOptions } from './venueCall';
export { exchange, ResponseLimitError, type ExchangeBounds, type RequestHelper } from './exchange';
export * from './limits';
export { createDirectHttp, directHttpAllowed, type DirectHttp, type Rehearsal } from './directHttp';
