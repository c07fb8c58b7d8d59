/**
 * The opaque handle an `omitted` entry carries: which entity's which section, from where. It is not
 * a secret (every fetch checks the caller's rights again), only a promise to continue where a
 * profile stopped; anything that does not decode is E_INVALID_QUERY.
 */
import { CgError } from '../errors.ts'
import { ACTIVITY_SECTIONS, type ActivitySection } from './lookup-schema.ts'

const VERSION = 1
/** version, entity uuid (16 bytes), section, offset (uint32): 22 bytes, 30 characters of base64url. */
const LENGTH = 22

export interface ActivityHandle {
  entityId: string
  section: ActivitySection
  offset: number
}

export function encodeHandle(handle: ActivityHandle): string {
  const bytes = Buffer.alloc(LENGTH)
  bytes.writeUInt8(VERSION, 0)
  Buffer.from(handle.entityId.replaceAll('-', ''), 'hex').copy(bytes, 1)
  bytes.writeUInt8(ACTIVITY_SECTIONS.indexOf(handle.section), 17)
  bytes.writeUInt32BE(handle.offset, 18)
  return bytes.toString('base64url')
}

export function decodeHandle(text: string): ActivityHandle {
  const bytes = /^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url') : Buffer.alloc(0)
  const section = bytes.length === LENGTH ? ACTIVITY_SECTIONS[bytes.readUInt8(17)] : undefined
  if (bytes.length !== LENGTH || bytes.readUInt8(0) !== VERSION || section === undefined || bytes.readUInt32BE(18) > 1_000_000) {
    throw new CgError('E_INVALID_QUERY', 'parameter handle is not a handle this server gave out; pass an omitted[].handle from a profile unchanged', {
      location: { parameter: 'handle' },
    })
  }
  const hex = bytes.subarray(1, 17).toString('hex')
  const entityId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  return { entityId, section, offset: bytes.readUInt32BE(18) }
}
