/**
 * What a Salesforce request can fail with, once the client has read jsforce's error: the session's
 * classify() maps each to a SourceFailure. Messages say where and what, never a token or a URL with
 * one (the client never puts a token in a URL).
 */

/** No answer, a reset or closed connection, a body cut off: worth repeating. */
export class SalesforceNetworkError extends Error {
  override readonly name = 'SalesforceNetworkError'
}

/** An error answer of the REST or Bulk API: its HTTP status (when known) and Salesforce's errorCode. */
export class SalesforceApiError extends Error {
  override readonly name = 'SalesforceApiError'
  readonly status: number | undefined
  readonly errorCode: string
  constructor(message: string, errorCode: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options)
    this.errorCode = errorCode
    this.status = status
  }
}

/** The credentials were refused: the refresh token, or a session that a refresh did not mend. */
export class SalesforceAuthError extends Error {
  override readonly name = 'SalesforceAuthError'
}

/**
 * The org's API usage (Sforce-Limit-Info) is past the connection's apiUsageCeiling: stop before the
 * allocation runs out for everything else that uses the org, and come back when calls have aged out.
 */
export class ApiUsageCeilingError extends Error {
  override readonly name = 'ApiUsageCeilingError'
  readonly retryAfterMs: number
  constructor(message: string, retryAfterMs: number) {
    super(message)
    this.retryAfterMs = retryAfterMs
  }
}

/** A saved position the org can no longer serve from (delete log purged, Bulk job gone): read all again. */
export class SalesforcePositionExpired extends Error {
  override readonly name = 'SalesforcePositionExpired'
}

/** An answer that is not the shape the sync relies on (zod at the edge). */
export class SalesforcePayloadError extends Error {
  override readonly name = 'SalesforcePayloadError'
}
