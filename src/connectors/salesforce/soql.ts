import type { FieldInfo } from './api-record.ts'
import type { SalesforceObjectType } from './object-types.ts'

/** The position after the last record landed: SystemModstamp first, Id for records sharing one. */
export interface KeysetPosition {
  /** ISO 8601 UTC. */
  systemModstamp: string
  /** 18-character Id, or '' for "every record of that SystemModstamp" (after a Bulk load, which is unordered). */
  id: string
}

/**
 * `SELECT <fields> FROM <object>` after a position, in SystemModstamp, Id order. Records sharing the
 * position's SystemModstamp (one transaction touching many) continue by Id, so a page boundary between
 * them neither skips nor repeats one; SystemModstamp also moves on system updates, which
 * LastModifiedDate misses.
 */
export function changesSoql(objectType: SalesforceObjectType, fields: readonly FieldInfo[], after: KeysetPosition | null): string {
  const select = `SELECT ${fields.map((field) => field.name).join(', ')} FROM ${objectType}`
  const order = 'ORDER BY SystemModstamp, Id'
  if (after === null) return `${select} ${order}`
  const stamp = soqlDateTime(after.systemModstamp)
  const tie = after.id === '' ? `SystemModstamp = ${stamp}` : `(SystemModstamp = ${stamp} AND Id > '${soqlId(after.id)}')`
  return `${select} WHERE SystemModstamp > ${stamp} OR ${tie} ${order}`
}

/** Every record of the object, unordered: a Bulk API 2.0 job (which pages by its own locator). */
export function bulkSoql(objectType: SalesforceObjectType, fields: readonly FieldInfo[]): string {
  return `SELECT ${fields.map((field) => field.name).join(', ')} FROM ${objectType}`
}

export function countSoql(objectType: SalesforceObjectType): string {
  return `SELECT COUNT() FROM ${objectType}`
}

export function byIdsSoql(objectType: SalesforceObjectType, fields: readonly FieldInfo[], ids: readonly string[]): string {
  return `SELECT ${fields.map((field) => field.name).join(', ')} FROM ${objectType} WHERE Id IN (${ids.map((id) => `'${soqlId(id)}'`).join(', ')})`
}

/** SOQL datetime literals are unquoted UTC: 2024-09-15T10:04:25Z (milliseconds only when there are any). */
export function soqlDateTime(iso: string): string {
  const date = new Date(iso)
  if (!Number.isFinite(date.getTime())) throw new Error(`not a datetime: ${iso}`)
  return date.toISOString().replace('.000Z', 'Z')
}

/** Ids come from Salesforce or a validated cursor; this guards the quoting all the same. */
function soqlId(id: string): string {
  if (!/^[A-Za-z0-9]{15,18}$/.test(id)) throw new Error(`not a Salesforce id: ${id}`)
  return id
}

/**
 * The position a read may commit: its last record's, unless that record is younger than `lagMs` at
 * Salesforce's `now` — then the start of that unsettled span (id '': all of its stamp), so the next
 * read takes it again together with whatever a slower transaction stamped in it. Never before `floor`
 * (the position the read began at, which a cursor set ahead of time must keep).
 */
export function settledPosition(position: KeysetPosition | null, now: Date | undefined, lagMs: number, floor: KeysetPosition | null): KeysetPosition | null {
  if (position === null || now === undefined || lagMs === 0) return position
  const settled = new Date(now.getTime() - lagMs).toISOString()
  if (position.systemModstamp < settled) return position
  if (floor !== null && floor.systemModstamp >= settled) return floor
  return { systemModstamp: settled, id: '' }
}
