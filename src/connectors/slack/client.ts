/**
 * The Slack Web API client for a connection, and how its failures read. The SDK's own retries are
 * off: by default it retries every non-200 answer for about 30 minutes and sleeps through 429s inside
 * its queue, which would hide rate limits from the sync's quota governor (and its rescheduling).
 */
import { WebClient } from '@slack/web-api'
import type { SourceFailure } from '../api-contract.ts'
import type { SlackSettings } from './config.ts'

/**
 * The SDK takes no abort signal per call, so a request the sync gave up on (timed out, or the run
 * stopped) would keep its socket until the server answers. Every request also listens to the
 * client's own signal: closing the session aborts whatever is still in flight.
 */
export function createSlackClient(settings: SlackSettings): { client: WebClient; abortInFlight: () => void } {
  const session = new AbortController()
  const fetchWithSession: typeof fetch = (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, session.signal]) : session.signal })
  const client = new WebClient(settings.token.reveal(), {
    slackApiUrl: settings.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    fetch: fetchWithSession,
  })
  return { client, abortInFlight: () => session.abort() }
}

/** Errors of a token that can no longer sign in: nothing to retry until someone fixes the credentials. */
const AUTH_ERRORS: ReadonlySet<string> = new Set(['not_authed', 'invalid_auth', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'org_login_required', 'ekm_access_denied'])

interface SlackSdkError {
  code?: unknown
  retryAfter?: unknown
  statusCode?: unknown
  data?: { error?: unknown; needed?: unknown; provided?: unknown }
  message?: unknown
}

export function classifySlackError(error: unknown): SourceFailure {
  const sdk = (error ?? {}) as SlackSdkError
  const message = typeof sdk.message === 'string' ? sdk.message : String(error)
  switch (sdk.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate_limited', ...(typeof sdk.retryAfter === 'number' ? { retryAfterMs: sdk.retryAfter * 1000 } : {}), detail: 'HTTP 429' }
    case 'slack_webapi_platform_error': {
      const code = typeof sdk.data?.error === 'string' ? sdk.data.error : 'unknown_error'
      if (AUTH_ERRORS.has(code)) return { kind: 'auth', detail: code }
      if (code === 'ratelimited') return { kind: 'rate_limited', detail: code }
      if (code === 'internal_error' || code === 'fatal_error' || code === 'service_unavailable' || code === 'request_timeout') return { kind: 'transient', detail: code }
      const needed = typeof sdk.data?.needed === 'string' ? ` (needs ${sdk.data.needed})` : ''
      return { kind: 'fatal', code, detail: `${code}${needed}` }
    }
    case 'slack_webapi_http_error': {
      const status = typeof sdk.statusCode === 'number' ? sdk.statusCode : 0
      if (status === 429) return { kind: 'rate_limited', detail: 'HTTP 429' }
      if (status >= 500 || status === 408) return { kind: 'transient', detail: `HTTP ${status}` }
      if (status === 401 || status === 403) return { kind: 'auth', detail: `HTTP ${status}` }
      return { kind: 'fatal', code: `http_${status}`, detail: `HTTP ${status}` }
    }
    // The request never got an answer: reset, refused, DNS, timeout.
    case 'slack_webapi_request_error':
      return { kind: 'transient', detail: message }
  }
  // A body cut off mid-read surfaces as a bare TypeError ("terminated") or a JSON SyntaxError, outside the SDK's error types.
  if (error instanceof TypeError || error instanceof SyntaxError) return { kind: 'transient', detail: message }
  return { kind: 'fatal', code: 'unexpected', detail: message }
}
