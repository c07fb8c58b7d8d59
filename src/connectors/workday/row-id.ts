import { createHash } from 'node:crypto'
import { hashedIdPrefix } from './normalize.ts'

/**
 * The source id of a worker from a report without any employee id column (a report built without
 * Employee_ID, like the placeholder RaaS sample): `row:` + the first 24 hex digits of the SHA-256 of
 * the entry's canonical JSON. Stable across imports of the same values, so re-importing is
 * idempotent; a changed value makes a new id (normalising reports that as an issue).
 */
export function hashedSourceId(entry: Record<string, unknown>): string {
  return hashedIdPrefix + createHash('sha256').update(canonicalJson(entry)).digest('hex').slice(0, 24)
}

/** JSON with object keys sorted at every level, so key order in the file does not change the id. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
