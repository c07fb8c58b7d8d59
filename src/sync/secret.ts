/**
 * Credentials in the connections file: written only as environment references (`${SLACK_TOKEN}`),
 * resolved at load time into Secret objects that never print. Connector settings schemas use `secret`
 * for every credential field, and the shared field schemas below for what every connector has.
 */
import { z } from 'zod'

/** A credential read from the environment. It never prints: String(), JSON and inspection show [secret]. */
export class Secret {
  readonly #value: string
  readonly variable: string
  constructor(variable: string, value: string) {
    this.variable = variable
    this.#value = value
  }
  /** The secret itself, for the one call that needs it (an SDK's constructor). */
  reveal(): string {
    return this.#value
  }
  toString(): string {
    return '[secret]'
  }
  toJSON(): string {
    return `[secret \${${this.variable}}]`
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toJSON()
  }
}

/** A credential field: an environment reference, never the value (the file loader resolves it first). */
export const secret = z.instanceof(Secret, { message: 'must be an environment reference such as ${SLACK_TOKEN}, never the secret itself' })

export const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' })

/** OAuth 2.0 with a long-lived refresh token: the SDK fetches access tokens itself. */
export const oauthRefresh = z.object({ type: z.literal('oauth_refresh'), clientId: secret, clientSecret: secret, refreshToken: secret }).strict()
