/**
 * What a Workday request can fail with, before the sync reads it (classify.ts). Messages name the
 * endpoint as `what` (never a URL with a prompt value or anything secret) and a short, scrubbed
 * excerpt of the answer.
 */

/** A non-2xx answer. */
export class WorkdayHttpError extends Error {
  readonly status: number
  readonly what: string
  /** Retry-After as milliseconds, when the answer had a readable one. */
  readonly retryAfterMs: number | undefined

  constructor(what: string, status: number, detail: string, retryAfterMs: number | undefined) {
    super(`${what}: HTTP ${status}${detail === '' ? '' : `: ${detail}`}`)
    this.name = 'WorkdayHttpError'
    this.status = status
    this.what = what
    this.retryAfterMs = retryAfterMs
  }
}

/** The token endpoint refused the client or the refresh token (400 invalid_grant, 401 invalid_client …). */
export class WorkdayTokenError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WorkdayTokenError'
  }
}

/** A 2xx answer whose body is not what the endpoint documents (not JSON, no `data` array …). */
export class WorkdayResponseError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WorkdayResponseError'
  }
}

const MAX_DETAIL = 200

/**
 * A short excerpt of an error answer for a message: tags dropped, whitespace collapsed, cut at
 * MAX_DETAIL characters, and any credential of the connection replaced (an answer that echoes a
 * request must not carry a secret into a log or the database).
 */
export function errorDetail(body: string, secrets: readonly string[]): string {
  let text = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  for (const value of secrets) if (value.length >= 4) text = text.replaceAll(value, '[secret]')
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text
}

/**
 * Retry-After in milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when
 * absent or unreadable.
 */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  if (!Number.isFinite(date)) return undefined
  return Math.max(0, date - nowMs)
}
