/**
 * A record reference as people and programs write it: `system:objectType:sourceId`
 * (`salesforce:Contact:003…`, `slack:user:U024BE7LH`, `hubspot:contact:51`). The source id may itself
 * hold colons; the system is any valid system name, so records of a connector module's system are
 * named the same way (formatRef in resolve/resolvable.ts writes one). Pure.
 */
import { SYSTEM_NAME_PATTERN, type SourceRef } from './canonical.ts'

const OBJECT_TYPE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/
const SOURCE_ID = /^\S+$/

/** The reference `text` spells, or null when it is not one (an URL, `tel:…`, a name with a colon). */
export function parseRecordRef(text: string): SourceRef | null {
  const [system, objectType, ...rest] = text.trim().split(':')
  const sourceId = rest.join(':')
  if (system === undefined || !SYSTEM_NAME_PATTERN.test(system)) return null
  if (objectType === undefined || !OBJECT_TYPE.test(objectType) || !SOURCE_ID.test(sourceId)) return null
  return { system, objectType, sourceId }
}
