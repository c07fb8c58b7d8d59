import { createHash } from 'node:crypto'

/**
 * SHA-256 (hex) of a JSON value with object keys sorted, so the same record read from a differently
 * ordered file or API response hashes the same. Unchanged records are skipped by this hash.
 */
export function contentHash(value: unknown): string {
  return hashCanonicalJson(canonicalJson(value))
}

export function hashCanonicalJson(json: string): string {
  return createHash('sha256').update(json).digest('hex')
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
}
