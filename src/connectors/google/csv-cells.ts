/**
 * Cell helpers shared by the Admin console users CSV and the Google Contacts CSV readers and
 * normalisers: header tags, multi-value cells and `* ` primary markers.
 */

/**
 * `First Name [Required]` → `First Name`. The Admin console download reuses the bulk-upload header
 * names, which carry bracket tags (`[Required]`, `[READ ONLY]`, `[UPLOAD ONLY]`, `[MUST BE IN THE E.164
 * FORMAT]`) that change between console versions, so columns are matched by the name without them.
 */
export function stripHeaderTag(header: string): string {
  return header
    .replace(/\s*\[[^\]]*\]/g, '')
    .replace(/^\uFEFF/, '')
    .trim()
}

/** Trimmed text, or undefined for a missing or blank value. */
export function clean(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

export type CellReader = (name: string) => string | undefined

/**
 * Reads a CSV row's cells by header name, ignoring bracket tags and letter case; blank cells read as
 * undefined. When two headers collapse to the same name the first one wins.
 */
export function cellReader(row: Record<string, string>): CellReader {
  const byName = new Map<string, string>()
  for (const [header, value] of Object.entries(row)) {
    const key = stripHeaderTag(header).toLowerCase()
    if (!byName.has(key)) byName.set(key, value)
  }
  return (name) => clean(byName.get(name.toLowerCase()))
}

/**
 * Google Contacts puts several values of one kind into one cell separated by ` ::: `
 * (`a@x.com ::: b@x.com`, `* myContacts ::: Navy`).
 */
export function splitMultiValue(cell: string | undefined): string[] {
  if (cell === undefined) return []
  return cell
    .split(':::')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
}

/** `* Work` → { label: 'Work', primary: true }: Google Contacts marks the primary value's label with `* `. */
export function parseLabel(label: string | undefined): { label: string | undefined; primary: boolean } {
  const trimmed = clean(label)
  if (trimmed === undefined) return { label: undefined, primary: false }
  if (trimmed.startsWith('*')) return { label: clean(trimmed.slice(1)), primary: true }
  return { label: trimmed, primary: false }
}
