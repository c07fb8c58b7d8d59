// The three APIs are imported from their own modules: `import { google } from 'googleapis'` loads
// every Google API (~1.8 s here), and the connector registry is imported by every CLI command.
import { admin_directory_v1 } from 'googleapis/build/src/apis/admin/directory_v1.js'
import { calendar_v3 } from 'googleapis/build/src/apis/calendar/v3.js'
import { people_v1 } from 'googleapis/build/src/apis/people/v1.js'
// googleapis' own dependency, the same copy its API modules use.
import { OAuth2Client, type MethodOptions } from 'googleapis-common'
import type { GoogleSettings } from './config.ts'

/**
 * The googleapis clients of one Google connection, aimed at `settings.rootUrl` and signed in with an
 * OAuth refresh token. The sync owns retries, so the SDK's are off everywhere: gaxios retries 429,
 * 5xx and connection failures of GET by default (the API-level `retry: false` stops that for API
 * calls), and the auth client retries its token requests with a retryConfig of its own, which only a
 * request interceptor on its transporter can switch off (both go through that one transporter).
 */
export interface GoogleClients {
  auth: OAuth2Client
  admin: admin_directory_v1.Admin
  people: people_v1.People
  calendar: calendar_v3.Calendar
  /**
   * Runs one API request with the sync's abort signal and returns its body. A 401 refreshes the
   * access token and repeats the request once; a second 401 is thrown (the sync's E_AUTH).
   */
  request<T>(signal: AbortSignal, run: (options: MethodOptions) => Promise<{ data: T }>): Promise<T>
  /** Fetches a new access token now; the token endpoint's answer (granted scopes included). */
  refresh(): Promise<{ scope: string | undefined }>
}

/** When the token endpoint gives no lifetime: Google's access tokens live an hour. */
const FALLBACK_TOKEN_LIFETIME_MS = 55 * 60 * 1000

export function createGoogleClients(settings: GoogleSettings): GoogleClients {
  const auth = new OAuth2Client({
    clientId: settings.auth.clientId.reveal(),
    clientSecret: settings.auth.clientSecret.reveal(),
    endpoints: { oauth2TokenUrl: settings.tokenUrl },
  })
  auth.transporter.interceptors.request.add({
    resolved: (options) => {
      options.retry = false
      options.retryConfig = { retry: 0, noResponseRetries: 0 }
      options.errorRedactor = redactRequest
      return Promise.resolve(options)
    },
  })
  // OAuth2Client treats a 403 like a 401 when the credentials have no expiry_date: it refreshes the
  // token and repeats the call, so a 403 rate limit would cost two calls and a token refresh
  // (test/fakes/README.md). Credentials hold only the refresh token until the first request fetches
  // an access token; every refreshed set gets an expiry_date, so that repeat never happens and the
  // one refresh a 401 deserves is done by `request` below.
  auth.on('tokens', (tokens) => {
    tokens.expiry_date ??= Date.now() + FALLBACK_TOKEN_LIFETIME_MS
  })
  auth.setCredentials({ refresh_token: settings.auth.refreshToken.reveal() })
  const apiOptions = { auth, retry: false, ...(settings.rootUrl !== undefined ? { rootUrl: settings.rootUrl } : {}) }
  return {
    auth,
    admin: new admin_directory_v1.Admin(apiOptions),
    people: new people_v1.People(apiOptions),
    calendar: new calendar_v3.Calendar(apiOptions),
    async request<T>(signal: AbortSignal, run: (options: MethodOptions) => Promise<{ data: T }>): Promise<T> {
      try {
        return (await run({ signal })).data
      } catch (error) {
        // A 401 of the token endpoint itself (invalid_client) is no stale access token.
        if (statusOf(error) !== 401 || isOAuthError(error) || signal.aborted) throw error
        await auth.refreshAccessToken()
        return (await run({ signal })).data
      }
    },
    async refresh() {
      const { credentials } = await auth.refreshAccessToken()
      return { scope: credentials.scope ?? undefined }
    },
  }
}

const REDACTED = '[redacted]'

/**
 * What a failed request keeps of itself: gaxios' default redactor hides the client secret and the
 * Authorization header but leaves the refresh token in the token request's form (config.data and
 * config.body), where inspecting the error would print it. Request bodies carry nothing else here
 * (the API calls are GETs), so they go entirely.
 */
function redactRequest<T extends { config?: unknown; response?: unknown }>(error: T): T {
  const response = error.response !== null && typeof error.response === 'object' ? (error.response as { config?: unknown }) : undefined
  for (const config of [error.config, response?.config]) {
    if (config === null || typeof config !== 'object') continue
    const fields = config as { data?: unknown; body?: unknown; headers?: unknown }
    if (fields.data !== undefined) fields.data = REDACTED
    if (fields.body !== undefined) fields.body = REDACTED
    if (fields.headers instanceof Headers && fields.headers.has('authorization')) fields.headers.set('authorization', REDACTED)
  }
  return error
}

function statusOf(error: unknown): number | undefined {
  const response = error !== null && typeof error === 'object' ? (error as { response?: { status?: unknown } }).response : undefined
  return typeof response?.status === 'number' ? response.status : undefined
}

function isOAuthError(error: unknown): boolean {
  const data = error !== null && typeof error === 'object' ? (error as { response?: { data?: { error?: unknown } } }).response?.data : undefined
  return typeof data?.error === 'string'
}
