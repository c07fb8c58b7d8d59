/**
 * Time formats of the exports, and America/Los_Angeles local dates. The zone rule is computed here
 * (US rules since 2007) rather than with Intl so millions of Slack messages stay cheap to file.
 */

const HOUR_MS = 3_600_000

const DAY = 86_400_000
const twoDigits = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'))

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12); H. Hinnant's algorithm. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/** [year, month 1–12, day] of a day number; the inverse of daysFromCivil, without allocating a Date. */
function civilFromDays(days: number): readonly [number, number, number] {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const dayOfEra = z - era * 146_097
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365)
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const mp = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day]
}

/** YYYY-MM-DD of the UTC day. */
export function isoDate(ms: number): string {
  const [year, month, day] = civilFromDays(Math.floor(ms / DAY))
  return `${year}-${twoDigits[month] ?? ''}-${twoDigits[day] ?? ''}`
}

/** Salesforce datetime: 2024-09-15T10:04:25.000Z (whole seconds). */
export function salesforceDateTime(ms: number): string {
  const seconds = Math.floor((ms - Math.floor(ms / DAY) * DAY) / 1000)
  const hours = Math.floor(seconds / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  return `${isoDate(ms)}T${twoDigits[hours] ?? ''}:${twoDigits[minutes] ?? ''}:${twoDigits[seconds % 60] ?? ''}.000Z`
}

/** iCalendar UTC form: 20260115T180000Z. */
export function icsUtc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '')
}

/** Google Admin console "Last Sign In": 2023/09/03 20:23:16. */
export function googleSignInTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', '/')
}

/** UTC instant of a Sunday-based switch: the n-th Sunday of a month at an hour UTC. */
function nthSunday(year: number, month: number, n: number, hourUtc: number): number {
  const first = daysFromCivil(year, month, 1)
  const weekday = (((first + 4) % 7) + 7) % 7 // 1970-01-01 was a Thursday
  return (first + ((7 - weekday) % 7) + (n - 1) * 7) * DAY + hourUtc * HOUR_MS
}

/** Offset of America/Los_Angeles from UTC at an instant, in milliseconds (negative). */
export function losAngelesOffsetMs(ms: number): number {
  const [year] = civilFromDays(Math.floor(ms / DAY))
  // Daylight time from the second Sunday of March 02:00 PST (10:00 UTC) to the first Sunday of
  // November 02:00 PDT (09:00 UTC).
  return ms >= nthSunday(year, 3, 2, 10) && ms < nthSunday(year, 11, 1, 9) ? -7 * HOUR_MS : -8 * HOUR_MS
}

/** The workspace-local date a Slack export files a message under. */
export function losAngelesDate(ms: number): string {
  return isoDate(ms + losAngelesOffsetMs(ms))
}

/** UTC instant of a Los Angeles wall-clock time (the repeated hour in November resolves to daylight time). */
export function losAngelesWallToUtc(year: number, month: number, day: number, hour: number, minute: number): number {
  const wall = Date.UTC(year, month, day, hour, minute)
  const daylight = wall + 7 * HOUR_MS
  return losAngelesOffsetMs(daylight) === -7 * HOUR_MS ? daylight : wall + 8 * HOUR_MS
}

/** Slack message ts: epoch seconds and a 6-digit sequence, from epoch microseconds. */
export function slackTs(micros: number): string {
  return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`
}
