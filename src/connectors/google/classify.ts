import type { SourceFailure } from '../api-contract.ts'
import { scopeForPath } from './scopes.ts'

/**
 * Reads what a googleapis (gaxios) call threw as a SourceFailure. Retries are off in the SDK
 * (client.ts), so every failure arrives here once. Shapes seen with gaxios 8 / google-auth-library 11
 * against the fake (test/fakes/google): an HTTP failure is a GaxiosError with `status` and
 * `response.data` in Google's error format — v1 `{error: {code, message, errors: [{domain, reason}],
 * status}}` (Directory, Calendar) or v2 `{error: {code, message, status, details: [ErrorInfo]}}`
 * (People) — and the token endpoint's `{error: 'invalid_grant', error_description}`; a connection
 * reset or a body cut off is a GaxiosError without a response and code ECONNRESET; an abort has code
 * AbortError.
 */

/** The stream asks for a full listing (streams/people.ts, streams/events.ts): read as an expired cursor. */
export class FullResyncRequired extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FullResyncRequired'
  }
}

/** A 200 answer whose body is not the listing it should be. */
export class UnexpectedResponse extends Error {
  /** A body that is not JSON at all (a proxy page, a body cut short) is worth another try. */
  readonly retryable: boolean
  constructor(message: string, retryable: boolean) {
    super(message)
    this.name = 'UnexpectedResponse'
    this.retryable = retryable
  }
}

/** 403 reasons that mean "slow down" (Directory's documented limits, Calendar's usage limits). */
const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'quotaExceeded', 'dailyLimitExceeded'])
/** 403 reasons that mean the token lacks a scope. */
const SCOPE_REASONS = new Set(['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'])
/** The token endpoint refusing the refresh token or the client: the credentials are wrong. */
const OAUTH_AUTH_ERRORS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_request'])
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'TimeoutError', 'AbortError'])

interface GoogleErrorBody {
  code?: unknown
  message?: unknown
  status?: unknown
  errors?: { reason?: unknown; domain?: unknown }[]
  details?: { '@type'?: unknown; reason?: unknown }[]
}

interface HttpFailure {
  status: number
  /** Google's reasons: v1 errors[].reason and v2 ErrorInfo.reason. */
  reasons: string[]
  grpcStatus: string | undefined
  message: string
  /** The API path, to tell which stream a missing scope blocks. */
  path: string | undefined
  retryAfterMs: number | undefined
  /** The token endpoint's OAuth error code. */
  oauthError: string | undefined
}

export function classifyGoogleError(error: unknown): SourceFailure {
  if (error instanceof FullResyncRequired) return { kind: 'cursor_expired', detail: error.message }
  if (error instanceof UnexpectedResponse) {
    return error.retryable ? { kind: 'transient', detail: error.message } : { kind: 'fatal', code: 'E_GOOGLE_RESPONSE', detail: error.message }
  }
  const http = httpFailure(error)
  if (http === undefined) return networkFailure(error)
  const { status, reasons, message } = http
  const detail = `HTTP ${status}${reasons.length > 0 ? ` ${reasons.join('/')}` : http.grpcStatus ? ` ${http.grpcStatus}` : ''}: ${message}`
  if (http.oauthError !== undefined) {
    if (OAUTH_AUTH_ERRORS.has(http.oauthError) || status === 401) return { kind: 'auth', detail: `the token endpoint refused the refresh: ${detail}` }
    if (status === 429) return rateLimited(http, detail)
    if (status >= 500 || status === 408) return { kind: 'transient', detail: `token endpoint ${detail}` }
    return { kind: 'fatal', code: 'E_GOOGLE_OAUTH', detail: `token endpoint ${detail}` }
  }
  if (status === 401) return { kind: 'auth', detail }
  if (status === 429 || reasons.some((reason) => RATE_LIMIT_REASONS.has(reason) || reason === 'RATE_LIMIT_EXCEEDED')) return rateLimited(http, detail)
  if (status === 403 && reasons.some((reason) => SCOPE_REASONS.has(reason))) {
    const scope = http.path === undefined ? undefined : scopeForPath(http.path)
    const what = scope ? `the credentials lack the scope ${scope.scope}, which the ${scope.streams.join(', ')} stream needs; grant it to the OAuth client (and, for Directory, delegate it) and sign in again` : 'the credentials lack a scope this call needs'
    return { kind: 'fatal', code: 'E_GOOGLE_SCOPE', detail: `${what} (${detail})` }
  }
  // Calendar: "Sync token is no longer valid, a full sync is required." People: EXPIRED_SYNC_TOKEN
  // (400 FAILED_PRECONDITION). Both mean: list everything again without the token.
  if (status === 410 || reasons.includes('fullSyncRequired') || reasons.includes('EXPIRED_SYNC_TOKEN')) return { kind: 'cursor_expired', detail }
  if (status === 408 || status >= 500) return { kind: 'transient', detail }
  if (status === 403) return { kind: 'fatal', code: 'E_GOOGLE_FORBIDDEN', detail }
  if (status === 404) return { kind: 'fatal', code: 'E_GOOGLE_NOT_FOUND', detail }
  if (status === 400) return { kind: 'fatal', code: 'E_GOOGLE_BAD_REQUEST', detail }
  return { kind: 'fatal', code: 'E_GOOGLE_HTTP', detail }
}

function rateLimited(http: HttpFailure, detail: string): SourceFailure {
  return { kind: 'rate_limited', detail, ...(http.retryAfterMs !== undefined ? { retryAfterMs: http.retryAfterMs } : {}) }
}

/** No HTTP answer: a reset, a refused connection, a body cut off, an abort (the sync's timeout). */
function networkFailure(error: unknown): SourceFailure {
  const code = stringField(error, 'code')
  const causeCode = stringField(field(error, 'cause'), 'code')
  const message = error instanceof Error ? withoutQuery(error.message) : String(error)
  if ((code !== undefined && NETWORK_CODES.has(code)) || (causeCode !== undefined && NETWORK_CODES.has(causeCode))) {
    return { kind: 'transient', detail: `${code ?? causeCode}: ${message}` }
  }
  // undici's "terminated" / "fetch failed" and friends: the connection went away mid-request.
  if (error instanceof TypeError || /terminated|socket|network|fetch failed|aborted/i.test(message)) return { kind: 'transient', detail: message }
  return { kind: 'fatal', code: 'E_GOOGLE_CLIENT', detail: message }
}

function httpFailure(error: unknown): HttpFailure | undefined {
  const response = field(error, 'response')
  const status = numberField(response, 'status') ?? numberField(error, 'status')
  if (status === undefined) return undefined
  const data = field(response, 'data')
  // gaxios 8 keeps the request URL as a URL object.
  const url = urlField(field(error, 'config')) ?? urlField(field(response, 'config'))
  const path = url === undefined ? undefined : pathOf(url)
  const retryAfterMs = retryAfter(field(response, 'headers'))
  if (data !== null && typeof data === 'object' && typeof (data as { error?: unknown }).error === 'string') {
    const oauth = data as { error: string; error_description?: unknown }
    const description = typeof oauth.error_description === 'string' ? oauth.error_description : oauth.error
    return { status, reasons: [oauth.error], grpcStatus: undefined, message: description, path, retryAfterMs, oauthError: oauth.error }
  }
  const body = (data !== null && typeof data === 'object' ? (data as { error?: unknown }).error : undefined) as GoogleErrorBody | undefined
  const reasons = [
    ...(Array.isArray(body?.errors) ? body.errors : []).map((entry) => entry.reason),
    ...(Array.isArray(body?.details) ? body.details : []).filter((entry) => String(entry['@type']).endsWith('google.rpc.ErrorInfo')).map((entry) => entry.reason),
  ].filter((reason): reason is string => typeof reason === 'string')
  const message =
    typeof body?.message === 'string' ? body.message : typeof data === 'string' && data.trim() !== '' ? data.slice(0, 200) : error instanceof Error ? withoutQuery(error.message) : `HTTP ${status}`
  return { status, reasons: [...new Set(reasons)], grpcStatus: typeof body?.status === 'string' ? body.status : undefined, message, path, retryAfterMs, oauthError: undefined }
}

/** Google rarely sends Retry-After; when it does (seconds or an HTTP date) it is the hint to wait. */
function retryAfter(headers: unknown): number | undefined {
  let value: unknown
  if (headers instanceof Headers) value = headers.get('retry-after')
  else if (headers !== null && typeof headers === 'object') value = (headers as Record<string, unknown>)['retry-after']
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function pathOf(url: string): string | undefined {
  try {
    return new URL(url).pathname
  } catch {
    return undefined
  }
}

/** Error messages of fetch failures quote the URL; its query (page and sync tokens) says nothing useful. */
function withoutQuery(message: string): string {
  return message.replace(/(https?:\/\/[^\s?]+)\?\S*/g, '$1')
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined
}

function numberField(value: unknown, name: string): number | undefined {
  const item = field(value, name)
  return typeof item === 'number' && Number.isInteger(item) ? item : undefined
}

function urlField(config: unknown): string | undefined {
  const url = field(config, 'url')
  return url instanceof URL ? url.href : typeof url === 'string' ? url : undefined
}

function stringField(value: unknown, name: string): string | undefined {
  const item = field(value, name)
  return typeof item === 'string' ? item : undefined
}
