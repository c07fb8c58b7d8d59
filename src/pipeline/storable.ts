/**
 * PostgreSQL text and jsonb cannot hold U+0000, and jsonb rejects lone UTF-16 surrogates. Either in one
 * field would fail the whole page, so every string that lands passes through here: NUL and broken
 * surrogates become U+FFFD. Other content is left exactly as read.
 */
// eslint-disable-next-line no-control-regex -- finding U+0000 is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replaceAll('\u0000', '\uFFFD').toWellFormed() : text
}

/** The same for every string (keys included) inside a JSON value; returns the input when nothing needs it. */
export function storableJson<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    let changed = false
    const items = value.map((item: unknown) => {
      const clean = storableJson(item)
      changed ||= clean !== item
      return clean
    })
    return (changed ? items : value) as T
  }
  let changed = false
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => {
    const cleanKey = storableText(key)
    const clean = storableJson(item)
    changed ||= clean !== item || cleanKey !== key
    return [cleanKey, clean] as const
  })
  return (changed ? Object.fromEntries(entries) : value) as T
}
