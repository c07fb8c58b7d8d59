/** CSV writing by hand: a few characters per field, much faster than a general stringifier. */

export type CsvValue = string | number | boolean | null | undefined

function text(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : String(value)
}

/** Salesforce Data Export style: every field double-quoted, `""` inside, LF line end, null as "". */
export function quotedCsvLine(values: readonly CsvValue[]): string {
  let line = ''
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ','
    const field = text(values[i])
    line += field.includes('"') ? `"${field.replaceAll('"', '""')}"` : `"${field}"`
  }
  return `${line}\n`
}

const needsQuotes = /[",\r\n]|^\s|\s$/

/** Minimal quoting (only fields that need it), as Google and Workday downloads do. */
export function csvLine(values: readonly CsvValue[]): string {
  let line = ''
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ','
    const field = text(values[i])
    line += needsQuotes.test(field) ? `"${field.replaceAll('"', '""')}"` : field
  }
  return `${line}\n`
}
