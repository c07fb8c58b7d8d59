import type { SourceFailure } from '../api-contract.ts'
import { WorkdayHttpError, WorkdayResponseError, WorkdayTokenError } from './errors.ts'

/** Socket and DNS codes undici reports (as the error's or its cause's `code`) that a new attempt may not meet. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
])

/**
 * Reads a failed Workday request. Workday publishes no rate limits: 429, and 503 with a Retry-After,
 * mean slow down (with the hint); other 5xx are report runs or gateways that failed (worth
 * repeating); 401/403 mean the credentials (after the one OAuth refresh the client already made) or
 * the integration user's permissions; other 4xx will not get better by repeating. Node's fetch
 * reports a reset as `TypeError: fetch failed` (cause ECONNRESET) and a body cut short as
 * `TypeError: terminated`; both are transient, as are aborts (the sync's timeout).
 */
export function classifyWorkdayError(error: unknown): SourceFailure {
  if (error instanceof WorkdayHttpError) return classifyStatus(error)
  if (error instanceof WorkdayTokenError) return { kind: 'auth', detail: error.message }
  if (error instanceof WorkdayResponseError) return { kind: 'fatal', code: 'E_WORKDAY_RESPONSE', detail: error.message }
  if (error instanceof SyntaxError) return { kind: 'fatal', code: 'E_WORKDAY_RESPONSE', detail: `the answer is not JSON: ${error.message}` }
  if (isAbort(error)) return { kind: 'transient', detail: 'the request was aborted (timed out)' }
  const code = errorCode(error) ?? errorCode(causeOf(error))
  if (code === 'ENOTFOUND') return { kind: 'fatal', code: 'E_WORKDAY_HOST', detail: `the host was not found (${code}); check the connection's host` }
  if (code !== undefined && TRANSIENT_CODES.has(code)) return { kind: 'transient', detail: `${messageOf(error)} (${code})` }
  if (error instanceof TypeError && (error.message === 'terminated' || error.message === 'fetch failed')) {
    const cause = causeOf(error)
    const detail = cause instanceof Error ? `${error.message}: ${cause.message}` : error.message
    // A TLS certificate problem is a setup error, not a flaky network.
    if (code !== undefined && /CERT|TLS|SSL/.test(code)) return { kind: 'fatal', code: 'E_WORKDAY_TLS', detail: `${detail} (${code})` }
    return { kind: 'transient', detail: code === undefined ? detail : `${detail} (${code})` }
  }
  return { kind: 'fatal', code: 'E_WORKDAY_UNEXPECTED', detail: messageOf(error) }
}

function classifyStatus(error: WorkdayHttpError): SourceFailure {
  const { status, retryAfterMs } = error
  const hint = retryAfterMs === undefined ? {} : { retryAfterMs }
  if (status === 429) return { kind: 'rate_limited', ...hint, detail: error.message }
  if (status === 503 && retryAfterMs !== undefined) return { kind: 'rate_limited', retryAfterMs, detail: error.message }
  if (status >= 500 || status === 408) return { kind: 'transient', detail: error.message }
  if (status === 401 || status === 403) return { kind: 'auth', detail: error.message }
  if (status === 404) return { kind: 'fatal', code: 'E_WORKDAY_NOT_FOUND', detail: error.message }
  return { kind: 'fatal', code: 'E_WORKDAY_REQUEST', detail: error.message }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined
  const code = error.code
  return typeof code === 'string' ? code : undefined
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
