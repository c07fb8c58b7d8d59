import { AsyncLocalStorage } from 'node:async_hooks'
import { Connection, type TokenResponse } from 'jsforce'
import type { SalesforceSettings } from './config.ts'
import { ApiUsageCeilingError, SalesforceApiError, SalesforceAuthError, SalesforceNetworkError, SalesforcePayloadError, SalesforcePositionExpired } from './errors.ts'
import { FetchTransport, type RequestScope, type ResponseInfo } from './transport.ts'

const DAY_MS = 86_400_000
/** The shortest wait the API usage ceiling asks for: shorter waits would spend a call to learn nothing changed. */
const MIN_CEILING_WAIT_MS = 15 * 60_000

export interface RunOptions {
  /** check() reports the API usage instead of being stopped by it. */
  ceiling?: boolean
  /** Gives an error (as errors.ts reads it) the meaning it has for this request, e.g. a position expired. */
  translate?: (error: unknown) => unknown
}

/**
 * One jsforce Connection for one connection of customer-graph.yaml, and the rules around every request
 * made with it: the sync's own transport (see transport.ts), the signal of the current call, the API
 * usage ceiling, at most one OAuth refresh per failure, and jsforce's errors read into typed ones
 * (errors.ts). Credentials stay in the Connection and the OAuth2 client; nothing here prints them.
 */
export class SalesforceClient {
  readonly connection: Connection
  readonly #settings: SalesforceSettings
  readonly #scope = new AsyncLocalStorage<RequestScope>()
  /** Cleared by a refresh, set again by an answer to a request the refreshed session signed. */
  #refreshAllowed = true
  #lastRefreshError: unknown
  /** The refresh token was refused: every later refresh fails the same way without asking again. */
  #refused: SalesforceAuthError | undefined
  #serverTime: Date | undefined

  constructor(settings: SalesforceSettings) {
    this.#settings = settings
    const transport = new FetchTransport(this.#scope, (info) => this.#observe(info))
    const common = { instanceUrl: settings.instanceUrl, loginUrl: settings.loginUrl, version: settings.apiVersion }
    const auth = settings.auth
    this.connection =
      auth.type === 'access_token'
        ? new Connection({ ...common, accessToken: auth.accessToken.reveal() })
        : new Connection({
            ...common,
            oauth2: { loginUrl: settings.loginUrl, clientId: auth.clientId.reveal(), clientSecret: auth.clientSecret.reveal() },
            refreshToken: auth.refreshToken.reveal(),
            // jsforce refreshes on every 401 it gets, so a token the org keeps refusing would be
            // refreshed forever; this one refreshes once, and again only after a request succeeded.
            refreshFn: (_conn, callback) => {
              this.#refresh().then(
                (token) => {
                  callback(undefined, token.access_token, token)
                },
                (error: unknown) => {
                  this.#lastRefreshError = error
                  callback(error instanceof Error ? error : new Error(String(error)))
                },
              )
            },
          })
    this.connection._transport = transport
    this.connection.oauth2._transport = transport
  }

  /**
   * Runs one request (or a few that belong together) with the signal of the current `context.call`;
   * `request` may read the responses it caused (headers such as Sforce-Locator) from the scope.
   * Whatever fails is thrown as one of errors.ts, or as the signal's reason when the call was aborted.
   */
  async run<T>(signal: AbortSignal | undefined, request: (connection: Connection, scope: RequestScope) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const scope: RequestScope = { signal, responses: [] }
    return this.#scope.run(scope, async () => {
      try {
        if (options.ceiling !== false) this.#checkCeiling()
        this.#lastRefreshError = undefined
        if (this.#settings.auth.type === 'oauth_refresh' && !this.connection.accessToken) await this.#refresh()
        return await request(this.connection, scope)
      } catch (error) {
        const explained = this.#explain(error, scope)
        throw options.translate && !scope.signal?.aborted ? options.translate(explained) : explained
      }
    })
  }

  /** The org's API usage as the last response's Sforce-Limit-Info stated it. */
  apiUsage(): { used: number; limit: number } | undefined {
    return this.connection.limitInfo.apiUsage
  }

  /** Salesforce's clock as of the last response (its Date header): replication windows are server time. */
  serverTime(): Date | undefined {
    return this.#serverTime
  }

  #observe(info: ResponseInfo): void {
    const date = info.headers.date
    const parsed = date === undefined ? Number.NaN : Date.parse(date)
    if (Number.isFinite(parsed)) this.#serverTime = new Date(parsed)
    if (info.authorized && info.status !== 401) this.#refreshAllowed = true
  }

  async #refresh(): Promise<TokenResponse> {
    const auth = this.#settings.auth
    if (auth.type !== 'oauth_refresh') throw new SalesforceAuthError('the session was refused and an access_token connection cannot refresh it')
    if (this.#refused) throw this.#refused
    if (!this.#refreshAllowed) {
      throw new SalesforceAuthError('the org refused the access token that the OAuth refresh just issued; not refreshing again (check the connected app and the integration user)')
    }
    this.#refreshAllowed = false
    const responses = this.#scope.getStore()?.responses
    const before = responses?.length ?? 0
    try {
      const token = await this.connection.oauth2.refreshToken(auth.refreshToken.reveal())
      this.connection.accessToken = token.access_token
      // The token's id is the identity URL (…/id/<org>/<user>), which check() reads.
      const ids = /\/id\/(00D\w+)\/(005\w+)$/.exec(token.id)
      if (ids) this.connection.userInfo = { id: ids[2] ?? '', organizationId: ids[1] ?? '', url: token.id }
      return token
    } catch (error) {
      // A refresh that got no verdict (no answer, a 5xx) says nothing about the token: allow another.
      const status = responses?.slice(before).at(-1)?.status
      if (error instanceof SalesforceNetworkError || (status !== undefined && status >= 500) || this.#scope.getStore()?.signal?.aborted) {
        this.#refreshAllowed = true
        if (status !== undefined && status >= 500) throw new SalesforceApiError(`the OAuth token endpoint answered HTTP ${status}`, `HTTP_${status}`, status)
        throw error
      }
      const name = error instanceof Error ? error.name : 'error'
      const message = error instanceof Error ? error.message : String(error)
      this.#refused = new SalesforceAuthError(`the OAuth refresh token was refused (${name}: ${message})`)
      throw this.#refused
    }
  }

  #checkCeiling(): void {
    const usage = this.apiUsage()
    const ceiling = this.#settings.apiUsageCeiling
    if (!usage || usage.limit <= 0) return
    const exhausted = usage.used >= usage.limit
    if (!exhausted && usage.used / usage.limit <= ceiling) return
    const waitMs = ceilingWaitMs(usage, exhausted ? Math.min(ceiling, (usage.limit - 1) / usage.limit) : ceiling)
    const state = exhausted
      ? `the org has used all ${usage.limit} of its daily API requests`
      : `the org has used ${usage.used} of its ${usage.limit} daily API requests, past the connection's apiUsageCeiling of ${Math.round(ceiling * 100)}%`
    throw new ApiUsageCeilingError(`${state}; no request was made, and about ${Math.ceil(waitMs / 60_000)} minutes should free enough of the rolling 24-hour allocation`, waitMs)
  }

  #explain(error: unknown, scope: RequestScope): unknown {
    if (scope.signal?.aborted) return (scope.signal.reason as unknown) ?? error
    if (
      error instanceof SalesforceNetworkError ||
      error instanceof SalesforceApiError ||
      error instanceof SalesforceAuthError ||
      error instanceof ApiUsageCeilingError ||
      error instanceof SalesforcePositionExpired ||
      error instanceof SalesforcePayloadError
    ) {
      return error
    }
    if (!(error instanceof Error)) return error
    // jsforce wraps a failed refresh in a plain Error; the refresh function kept the real one.
    if (error.message.startsWith('Unable to refresh session due to')) return this.#lastRefreshError ?? new SalesforceAuthError(error.message)
    const errorCode = (error as { errorCode?: unknown }).errorCode
    if (typeof errorCode !== 'string') return error
    const status = scope.responses.at(-1)?.status
    // A body jsforce did not parse as JSON (a text/csv request's error) arrives as ERROR_HTTP_<status>
    // with the body as message: Salesforce's error array is in it.
    const parsed = /^ERROR_HTTP_\d+$/.test(errorCode) ? salesforceErrorBody(error.message) : undefined
    return new SalesforceApiError(parsed?.message ?? error.message, parsed?.errorCode ?? errorCode, status, { cause: error })
  }
}

/**
 * How long until the usage is likely back under the ceiling. Salesforce counts a rolling 24 hours and
 * says nothing of when the calls were made; assuming they were spread evenly, each hour frees
 * used/24 of them, so the excess over the ceiling takes 24 h × excess / used. At least 15 minutes
 * (a sooner retry would spend a call to learn little) and at most a day (when every call has aged out).
 */
export function ceilingWaitMs(usage: { used: number; limit: number }, ceiling: number): number {
  const excess = usage.used - Math.floor(ceiling * usage.limit)
  const estimate = (DAY_MS * Math.max(1, excess)) / Math.max(1, usage.used)
  return Math.round(Math.min(DAY_MS, Math.max(MIN_CEILING_WAIT_MS, estimate)))
}

function salesforceErrorBody(text: string): { errorCode: string; message: string } | undefined {
  try {
    const body: unknown = JSON.parse(text)
    const first: unknown = Array.isArray(body) ? body[0] : body
    if (typeof first !== 'object' || first === null) return undefined
    const { errorCode, message } = first as { errorCode?: unknown; message?: unknown }
    return typeof errorCode === 'string' && typeof message === 'string' ? { errorCode, message } : undefined
  } catch {
    return undefined
  }
}
