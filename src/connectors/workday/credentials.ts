import { z } from 'zod'
import type { WorkdaySettings } from './config.ts'
import { errorDetail, retryAfterMs, WorkdayHttpError, WorkdayResponseError, WorkdayTokenError } from './errors.ts'

/**
 * How requests to one tenant sign in. HTTP Basic (an Integration System User) is fixed; OAuth trades
 * the long-lived refresh token for an access token at `{host}/ccx/oauth2/{tenant}/token` when first
 * needed and again when a request meets 401 (tokens expire after about an hour; Workday's answer
 * carries no `expires_in` one can rely on, so expiry is learnt from the 401).
 */
export interface Credentials {
  /** The Authorization header value for the next request. */
  authorization(signal: AbortSignal): Promise<string>
  /**
   * After a 401 to `stale`: a fresh header, or undefined when refreshing cannot help (Basic). A
   * request calls this at most once, so bad credentials end in `auth` after one refresh.
   */
  refresh(stale: string, signal: AbortSignal): Promise<string | undefined>
  /** The secret values, so error excerpts can be scrubbed of them. */
  readonly secrets: readonly string[]
  /** Who signs in, without any secret (the ISU's name is a credential too). */
  readonly identity: string
}

export function credentialsFor(settings: WorkdaySettings): Credentials {
  const { auth } = settings
  if (auth.type === 'basic') return basicCredentials(auth.username.reveal(), auth.password.reveal())
  return new OAuthRefreshCredentials(
    `${settings.host.replace(/\/+$/, '')}/ccx/oauth2/${encodeURIComponent(settings.tenant)}/token`,
    auth.clientId.reveal(),
    auth.clientSecret.reveal(),
    auth.refreshToken.reveal(),
  )
}

function basicCredentials(username: string, password: string): Credentials {
  const header = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  return {
    authorization: () => Promise.resolve(header),
    refresh: () => Promise.resolve(undefined),
    secrets: [username, password, header.slice('Basic '.length)],
    identity: 'an integration system user (HTTP Basic)',
  }
}

const tokenAnswer = z.looseObject({ access_token: z.string().min(1), token_type: z.string().optional(), refresh_token: z.string().min(1).optional() })
const tokenError = z.looseObject({ error: z.string(), error_description: z.string().optional() })

class OAuthRefreshCredentials implements Credentials {
  readonly identity = 'an API client (OAuth refresh token)'
  private readonly tokenUrl: string
  private readonly clientId: string
  private readonly clientSecret: string
  private refreshToken: string
  private header: string | undefined
  /** One token request at a time: concurrent requests that meet 401 share it. */
  private pending: Promise<string> | undefined

  constructor(tokenUrl: string, clientId: string, clientSecret: string, refreshToken: string) {
    this.tokenUrl = tokenUrl
    this.clientId = clientId
    this.clientSecret = clientSecret
    this.refreshToken = refreshToken
  }

  get secrets(): readonly string[] {
    const token = this.header?.slice('Bearer '.length)
    return [this.clientId, this.clientSecret, this.refreshToken, ...(token === undefined ? [] : [token])]
  }

  authorization(signal: AbortSignal): Promise<string> {
    if (this.header !== undefined) return Promise.resolve(this.header)
    return this.requestToken(signal)
  }

  refresh(stale: string, signal: AbortSignal): Promise<string | undefined> {
    // Another request refreshed already: use its token rather than asking again.
    if (this.header !== undefined && this.header !== stale) return Promise.resolve(this.header)
    this.header = undefined
    return this.requestToken(signal)
  }

  private requestToken(signal: AbortSignal): Promise<string> {
    this.pending ??= this.fetchToken(signal).finally(() => {
      this.pending = undefined
    })
    return this.pending
  }

  private async fetchToken(signal: AbortSignal): Promise<string> {
    const what = 'oauth2 token'
    const response = await fetch(this.tokenUrl, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.refreshToken }).toString(),
      signal,
    })
    const text = await response.text()
    if (!response.ok) {
      const refused = tokenError.safeParse(safeJson(text))
      // RFC 6749 §5.2: these say the client or the refresh token is not (or no longer) good.
      if ((response.status === 400 || response.status === 401) && refused.success && /^(invalid_grant|invalid_client|unauthorized_client)$/.test(refused.data.error)) {
        throw new WorkdayTokenError(
          `${what}: the token endpoint refused the credentials (${refused.data.error}); check the client id, client secret and refresh token`,
        )
      }
      throw new WorkdayHttpError(what, response.status, errorDetail(text, this.secrets), retryAfterMs(response.headers.get('retry-after'), Date.now()))
    }
    const answer = tokenAnswer.safeParse(safeJson(text))
    if (!answer.success) throw new WorkdayResponseError(`${what}: the answer has no access_token`)
    // Workday keeps the refresh token; should it rotate one, the next refresh must use the new one.
    if (answer.data.refresh_token !== undefined) this.refreshToken = answer.data.refresh_token
    this.header = `Bearer ${answer.data.access_token}`
    return this.header
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
