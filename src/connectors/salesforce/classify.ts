import type { SourceFailure } from '../api-contract.ts'
import { ApiUsageCeilingError, SalesforceApiError, SalesforceAuthError, SalesforceNetworkError, SalesforcePayloadError, SalesforcePositionExpired } from './errors.ts'

/**
 * What a failed Salesforce request means for the sync (the client has already read jsforce's error
 * into errors.ts). Salesforce gives no Retry-After: REQUEST_LIMIT_EXCEEDED (403, the org's rolling
 * 24-hour allocation, or too many long-running requests) leaves the wait to the sync's backoff; the
 * connection's own ceiling on the usage header says how long itself (see client.ts).
 */
export function classifySalesforceFailure(error: unknown): SourceFailure {
  if (error instanceof ApiUsageCeilingError) return { kind: 'rate_limited', retryAfterMs: error.retryAfterMs, detail: error.message }
  if (error instanceof SalesforceNetworkError) return { kind: 'transient', detail: error.message }
  if (error instanceof SalesforceAuthError) return { kind: 'auth', detail: error.message }
  if (error instanceof SalesforcePositionExpired) return { kind: 'cursor_expired', detail: error.message }
  if (error instanceof SalesforcePayloadError) return { kind: 'fatal', code: 'E_SF_PAYLOAD', detail: error.message }
  if (error instanceof SalesforceApiError) return apiFailure(error)
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return { kind: 'transient', detail: error.message }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return { kind: 'fatal', code: 'E_SF_UNEXPECTED', detail }
}

function apiFailure(error: SalesforceApiError): SourceFailure {
  const { status, errorCode } = error
  const detail = `${errorCode}${status === undefined ? '' : ` (HTTP ${status})`}: ${error.message}`
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED' || status === 429) return { kind: 'rate_limited', detail }
  if (status === 401 || errorCode === 'INVALID_SESSION_ID') return { kind: 'auth', detail }
  if ((status !== undefined && status >= 500) || errorCode === 'SERVER_UNAVAILABLE') return { kind: 'transient', detail }
  return { kind: 'fatal', code: errorCode, detail }
}
