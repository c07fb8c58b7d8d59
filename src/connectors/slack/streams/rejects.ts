import type { z } from 'zod'
import type { ApiLocation, RejectedInput } from '../../types.ts'
import { redactText } from '../redact.ts'

/** An API object that does not have the shape the normaliser needs: kept with its reason and where it was read. */
export function rejectOf(error: z.ZodError, value: unknown, location: ApiLocation, path: string, objectType: string): RejectedInput<ApiLocation> {
  const issue = error.issues[0]
  const field = [path, ...(issue?.path ?? []).map(String)].join('.')
  return {
    code: 'E_SCHEMA',
    message: `${location.endpoint} page ${location.page ?? 1}: ${field}: ${issue?.message ?? 'invalid'}; this ${objectType} is not imported`,
    location,
    objectType,
    raw: redactText(JSON.stringify(value) ?? String(value)).slice(0, 64 * 1024),
  }
}
