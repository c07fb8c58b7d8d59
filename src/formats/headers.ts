export type HeaderMatch = 'exact' | 'case-insensitive'

export interface ResolvedHeaders {
  /** One distinct name per column, in column order. */
  headers: string[]
  /** Required headers no column carries. */
  missing: string[]
}

/**
 * Names the columns of a header row. Names are trimmed; a repeated name gets a " (2)", " (3)" …
 * suffix so no column's value overwrites another's; with case-insensitive matching a column that
 * matches a required header takes the caller's spelling, so callers read values by their own names.
 */
export function resolveHeaders(found: readonly string[], required: readonly string[], match: HeaderMatch): ResolvedHeaders {
  const fold = match === 'exact' ? (name: string) => name : (name: string) => name.toLowerCase()
  const spelling = new Map(required.map((name) => [fold(name), name]))
  const used = new Set<string>()
  const headers = found.map((cell) => {
    const trimmed = cell.trim()
    const name = spelling.get(fold(trimmed)) ?? trimmed
    let unique = name
    for (let n = 2; used.has(unique); n++) unique = `${name} (${n})`
    used.add(unique)
    return unique
  })
  return { headers, missing: required.filter((name) => !used.has(name)) }
}

/** Lists names for a message: "Id", "Email". */
export function quoteNames(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((name) => JSON.stringify(name)).join(', ')
}

/**
 * Pairs header names with values (missing values become ""). Plain assignment would let a column named
 * "__proto__" replace the prototype, so such a name is defined as an own property instead.
 */
export function zipValues(headers: readonly string[], values: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {}
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]!
    const value = values[i] ?? ''
    if (name === '__proto__') Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true })
    else record[name] = value
  }
  return record
}
