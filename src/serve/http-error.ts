/**
 * How a failure looks on the wire: `{"error":{"code","message","location","retryable"}}` with the status
 * its code means. Only the product's own coded errors say what went wrong; anything else is a 500 whose
 * details (SQL, stack) go to the log under a request id and never into the response.
 */
import { z } from 'zod'
import { CgError, errorMessage, isCgError, type ErrorCode } from '../errors.ts'
import type { Logger } from '../logger.ts'

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string().describe('Stable code a program can branch on: E_INVALID_QUERY, E_AUTH, E_FORBIDDEN, E_RATE_LIMITED, E_NOT_FOUND, E_INTERNAL …'),
    message: z.string().describe('What went wrong and what to do'),
    location: z.object({ parameter: z.string().optional() }).loose().optional().describe('The parameter (or header, or body) at fault'),
    retryable: z.boolean(),
  }),
})

const STATUS: Partial<Record<ErrorCode, number>> = {
  E_INVALID_QUERY: 400,
  E_AUTH: 401,
  E_FORBIDDEN: 403,
  E_NOT_FOUND: 404,
  E_RATE_LIMITED: 429,
}

/** Statuses the document and tests name; 413 is an E_INVALID_QUERY whose fault is the body's size. */
export const PAYLOAD_TOO_LARGE = 413

export interface ErrorResponseOptions {
  logger: Logger
  requestId: string
  status?: number
  headers?: Record<string, string>
}

export function errorResponse(error: unknown, options: ErrorResponseOptions): Response {
  const status = options.status ?? (isCgError(error) ? STATUS[error.code] : undefined)
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...options.headers }
  if (status === undefined || !isCgError(error)) {
    options.logger.error({ requestId: options.requestId, err: error }, `request failed: ${errorMessage(error)}`)
    const hidden = new CgError('E_INTERNAL', `internal error; the server log has the details under request id ${options.requestId}`, {
      retryable: isCgError(error) && error.retryable,
    })
    return Response.json({ error: hidden.toJSON() }, { status: 500, headers })
  }
  // RFC 6750: a 401 names the scheme the client should use.
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="customer-graph"'
  return Response.json({ error: error.toJSON() }, { status, headers })
}
