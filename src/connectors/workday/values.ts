/**
 * Workday value formats. RaaS states booleans as "0"/"1" and dates as YYYY-MM-DD (XML-derived dates
 * sometimes with a zone suffix, 2024-03-01-08:00); UI CSV/XLSX exports use the user's locale, in
 * practice M/D/YYYY, and spreadsheets may leave a date as an Excel serial day number.
 */

const trueWords = new Set(['1', 'true', 'yes', 'y', 'active'])
const falseWords = new Set(['0', 'false', 'no', 'n', 'inactive', 'terminated'])

/** "1"/"0", Yes/No, true/false, Active/Inactive/Terminated; undefined when it is none of them. */
export function parseActive(text: string): boolean | undefined {
  const word = text.trim().toLowerCase()
  if (trueWords.has(word)) return true
  if (falseWords.has(word)) return false
  return undefined
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

function isoDate(year: number, month: number, day: number): string | undefined {
  const time = Date.UTC(year, month - 1, day)
  const date = new Date(time)
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  if (year < 1900 || year > 2200) return undefined
  return date.toISOString().slice(0, 10)
}

/** Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included). */
const excelEpoch = Date.UTC(1899, 11, 30)
const dayMs = 86_400_000

/** A date as YYYY-MM-DD, or undefined when the text is not a date this knows. */
export function normalizeDate(text: string): string | undefined {
  const value = text.trim()
  // YYYY-MM-DD, possibly followed by a time or a zone (RaaS from XML: 2024-03-01-08:00).
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ]|Z$|[+-]\d{2}:?\d{2}$)/.exec(value)
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]))
  // M/D/YYYY from US-locale UI exports; a first part above 12 can only be a day (D/M/YYYY).
  const slashed = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(value)
  if (slashed) {
    const first = Number(slashed[1])
    const second = Number(slashed[2])
    const year = Number(slashed[3])
    return first > 12 ? isoDate(year, second, first) : isoDate(year, first, second)
  }
  // 01-Mar-2024 / 1 Mar 2024
  const named = /^(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[- ](\d{4})$/.exec(value)
  if (named) {
    const month = months.indexOf((named[2] ?? '').toLowerCase()) + 1
    return month === 0 ? undefined : isoDate(Number(named[3]), month, Number(named[1]))
  }
  // Excel serial day number (a date cell read without its format): 1954-10-18 … 2119-01-07.
  if (/^\d{5}(?:\.\d+)?$/.test(value)) {
    const serial = Math.floor(Number(value))
    if (serial >= 20_000 && serial <= 80_000) return new Date(excelEpoch + serial * dayMs).toISOString().slice(0, 10)
  }
  return undefined
}
