/**
 * Parsers for the value formats Salesforce files carry. Each returns undefined for text it cannot read;
 * callers decide whether a blank or an unreadable value is a problem. Pure: no clock, no locale.
 */

/** Data Export and the API say true/false, Excel TRUE/FALSE, some tools 1/0; blank means not stated. */
export function parseSalesforceBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase()
  if (value === 'true' || value === '1') return true
  if (value === 'false' || value === '0') return false
  return undefined
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
// Excel re-saves Salesforce datetimes in the US short form: 02/23/26, 02/23/26 08:55 PM, 2/3/2026 20:55.
const US_DATE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i

interface DateParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  millisecond: number
  /** Offset east of UTC in minutes. */
  offsetMinutes: number
}

/**
 * A Salesforce datetime as ISO 8601 UTC (`2024-09-15T10:04:25.000Z`). Reads the API/Data Export form
 * (`…Z`), the CLI form (`…+0000`), a plain date (midnight UTC) and Excel's US short form. Values without
 * a zone are UTC: Salesforce exports UTC, and Excel only reformats what it was given.
 */
export function parseSalesforceDateTime(text: string): string | undefined {
  const parts = parseDateParts(text.trim())
  if (!parts) return undefined
  const { year, month, day, hour, minute, second, millisecond, offsetMinutes } = parts
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offsetMinutes * 60_000
  return Number.isFinite(utc) ? new Date(utc).toISOString() : undefined
}

/** A Salesforce date (CloseDate, ActivityDate) as YYYY-MM-DD; a datetime gives its UTC date. */
export function parseSalesforceDate(text: string): string | undefined {
  const value = text.trim()
  const parts = parseDateParts(value)
  if (!parts) return undefined
  const hasTime = parts.hour !== 0 || parts.minute !== 0 || parts.second !== 0 || parts.millisecond !== 0 || parts.offsetMinutes !== 0
  if (!hasTime) return `${pad(parts.year, 4)}-${pad(parts.month, 2)}-${pad(parts.day, 2)}`
  return parseSalesforceDateTime(value)?.slice(0, 10)
}

function parseDateParts(value: string): DateParts | undefined {
  const date = ISO_DATE.exec(value)
  if (date) return checked({ ...midnight, year: Number(date[1]), month: Number(date[2]), day: Number(date[3]) })
  const iso = ISO_DATE_TIME.exec(value)
  if (iso) {
    return checked({
      year: Number(iso[1]),
      month: Number(iso[2]),
      day: Number(iso[3]),
      hour: Number(iso[4]),
      minute: Number(iso[5]),
      second: Number(iso[6] ?? 0),
      millisecond: Math.round(Number(`0${iso[7] ?? ''}`) * 1000),
      offsetMinutes: parseOffset(iso[8]),
    })
  }
  const us = US_DATE_TIME.exec(value)
  if (us) return parseUsDate(us)
  return undefined
}

const midnight = { hour: 0, minute: 0, second: 0, millisecond: 0, offsetMinutes: 0 }

function parseUsDate(match: RegExpExecArray): DateParts | undefined {
  let month = Number(match[1])
  let day = Number(match[2])
  // Month first as Excel writes it in the US; a first number above 12 can only be a day (23/02/26).
  if (month > 12 && day <= 12) [month, day] = [day, month]
  const yearText = match[3] ?? ''
  // Excel's two-digit year rule: 00–29 is 2000–2029, 30–99 is 1930–1999.
  const shortYear = Number(yearText)
  const year = yearText.length === 4 ? shortYear : shortYear < 30 ? 2000 + shortYear : 1900 + shortYear
  let hour = Number(match[4] ?? 0)
  const meridiem = match[7]?.toUpperCase()
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined
    hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0)
  }
  return checked({ ...midnight, year, month, day, hour, minute: Number(match[5] ?? 0), second: Number(match[6] ?? 0) })
}

function parseOffset(text: string | undefined): number {
  if (text === undefined || text.toUpperCase() === 'Z') return 0
  const digits = text.replace(':', '')
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))
  return digits.startsWith('-') ? -minutes : minutes
}

/** Rejects 2024-02-30, 25:00 and other values Date.UTC would silently roll over. */
function checked(parts: DateParts): DateParts | undefined {
  const { year, month, day, hour, minute, second } = parts
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined
  if (Math.abs(parts.offsetMinutes) > 18 * 60) return undefined
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return day <= daysInMonth ? parts : undefined
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0')
}

// Plain decimals and Excel's scientific form (3.00E+07); thousands separators only in groups of three.
const NUMBER = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?(?:e[+-]?\d+)?$|^[+-]?\.\d+(?:e[+-]?\d+)?$/i

/** A currency or number field (Amount, AnnualRevenue); undefined when not a finite number. */
export function parseSalesforceNumber(text: string): number | undefined {
  const value = text.trim()
  if (!NUMBER.test(value)) return undefined
  const number = Number(value.replaceAll(',', ''))
  return Number.isFinite(number) ? number : undefined
}
