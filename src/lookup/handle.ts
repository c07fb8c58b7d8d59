/**
 * The opaque handle an `omitted` entry carries: which entity's which section, from where. It is not
 * a secret (every fetch checks the caller's rights again), only a promise to continue where a
 * profile stopped; anything that does not decode is E_INVALID_QUERY.
 */
import { z } from 'zod'
import { CgError } from '../errors.ts'
import { ACTIVITY_SECTIONS, type ActivitySection } from './lookup-schema.ts'

const handleSchema = z.object({
  v: z.literal(1),
  e: z.uuid(),
  s: z.enum(ACTIVITY_SECTIONS),
  o: z.number().int().min(0).max(1_000_000),
})

export interface ActivityHandle {
  entityId: string
  section: ActivitySection
  offset: number
}

export function encodeHandle(handle: ActivityHandle): string {
  return Buffer.from(JSON.stringify({ v: 1, e: handle.entityId, s: handle.section, o: handle.offset })).toString('base64url')
}

export function decodeHandle(text: string): ActivityHandle {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    value = undefined
  }
  const parsed = handleSchema.safeParse(value)
  if (!parsed.success) throw new CgError('E_INVALID_QUERY', 'parameter handle is not a handle this server gave out; pass an omitted[].handle from a profile unchanged', { location: { parameter: 'handle' } })
  return { entityId: parsed.data.e, section: parsed.data.s, offset: parsed.data.o }
}
