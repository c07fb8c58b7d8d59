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

/** Every Secret in a connection's settings, wherever it sits. */
export function secretsIn(value: unknown): Secret[] {
  if (value instanceof Secret) return [value]
  if (Array.isArray(value)) return value.flatMap(secretsIn)
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(secretsIn)
  return []
}

/**
 * A message with every secret taken out, raw, base64 and URL-encoded (an SDK may echo a request's
 * Authorization header or URL in its error): the last guard before anything is shown or stored.
 */
export function redactSecrets(text: string, secrets: readonly Secret[]): string {
  let result = text
  for (const secret of secrets) {
    const value = secret.reveal()
    if (value.length < 4) continue
    for (const form of new Set([value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('base64url'), encodeURIComponent(value)])) {
      result = result.split(form).join('[secret]')
    }
  }
  return result
}
