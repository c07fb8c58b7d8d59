import type { z } from 'zod'
import type { ApiLocation, RejectedInput } from '../../types.ts'
import { UnexpectedResponse } from '../classify.ts'

/**
 * Checks a listing's envelope (what paging relies on). Runs inside the request given to
 * `context.call`, so a body that is no listing is classified with the request: a string (not JSON: a
 * body cut short, a proxy's page) is worth a retry, a JSON body of another shape is not.
 */
export function parseEnvelope<S extends z.ZodType>(schema: S, data: unknown, endpoint: string): z.output<S> {
  const parsed = schema.safeParse(data)
  if (parsed.success) return parsed.data
  if (typeof data === 'string') return unexpected(`${endpoint} answered with a body that is not JSON (${data.length} characters); expected a listing`, true)
  const issue = parsed.error.issues[0]
  const path = issue?.path.map(String).join('.')
  return unexpected(`${endpoint} answered with a listing Google does not send: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`, false)
}

function unexpected(message: string, retryable: boolean): never {
  throw new UnexpectedResponse(message, retryable)
}

/** One item of a listing that does not have the fields the record is keyed by: kept as a reject. */
export function itemReject(error: z.ZodError, item: unknown, location: ApiLocation, index: number, itemsKey: string, objectType: string): RejectedInput<ApiLocation> {
  const issue = error.issues[0]
  const path = [itemsKey, index, ...(issue?.path ?? [])].map(String).join('.')
  return {
    code: 'E_SCHEMA',
    message: `${location.endpoint} page ${location.page ?? '?'}: ${path}: ${issue?.message ?? 'invalid'}; this ${objectType} is not synced (the rest of the page is).`,
    location,
    objectType,
    raw: JSON.stringify(item),
  }
}

/** Google ends a listing with no nextPageToken (an empty one counts as none). */
export function nonEmpty(token: string | null | undefined): string | undefined {
  return token === null || token === undefined || token === '' ? undefined : token
}
