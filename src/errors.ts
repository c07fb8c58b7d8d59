/**
 * Every failure the product reports is a CgError: a stable code a program can branch on, a message a
 * person can act on (where, what, what is allowed, what happens next), an optional location, and
 * whether retrying can help. See DESIGN.md §8.
 */
export type ErrorCode =
  | 'E_CONFIG'
  | 'E_USAGE'
  | 'E_DB_CONNECT'
  | 'E_DB_MIGRATION'
  | 'E_DATA_DIR_LOCKED'
  | 'E_ALREADY_RUNNING'
  | 'E_NOT_FOUND'
  | 'E_AMBIGUOUS'
  | 'E_INVALID_QUERY'
  | 'E_AUTH'
  | 'E_FORBIDDEN'
  | 'E_RATE_LIMITED'
  | 'E_PAGINATION_LOOP'
  | 'E_STATE_INVALID'
  | 'E_SOURCE'
  | 'E_SOURCE_UNAVAILABLE'
  | 'E_RUN_TIMEOUT'
  | 'E_INTERRUPTED'
  | 'E_INTERNAL'

/** Where in the input a problem sits: a file and line, an archive entry, a JSON path, a parameter. */
export interface ErrorLocation {
  file?: string
  line?: number
  byteOffset?: number
  entry?: string
  path?: string
  sheet?: string
  row?: number
  parameter?: string
  /** A live API's method or endpoint, and the page of it. */
  endpoint?: string
  page?: number
}

export interface CgErrorOptions {
  location?: ErrorLocation
  retryable?: boolean
  cause?: unknown
}

export class CgError extends Error {
  readonly code: ErrorCode
  readonly location: ErrorLocation | undefined
  readonly retryable: boolean

  constructor(code: ErrorCode, message: string, options: CgErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'CgError'
    this.code = code
    this.location = options.location
    this.retryable = options.retryable ?? false
  }

  toJSON(): { code: ErrorCode; message: string; location?: ErrorLocation; retryable: boolean } {
    return {
      code: this.code,
      message: this.message,
      ...(this.location ? { location: this.location } : {}),
      retryable: this.retryable,
    }
  }
}

/** The message of anything thrown, for wrapping into a CgError. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function isCgError(value: unknown): value is CgError {
  return value instanceof CgError
}
