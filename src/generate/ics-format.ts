/** RFC 5545 text details: escaping, parameter quoting and folding at 75 octets with CRLF. */

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4
}

const MAX_OCTETS = 75

/**
 * One content line, folded so no physical line exceeds 75 octets (continuation lines start with a
 * space, which counts), never splitting a multi-byte UTF-8 character. Returns the line with CRLF.
 */
export function foldLine(line: string): string {
  let out = ''
  let octets = 0
  for (const char of line) {
    const size = utf8Length(char.codePointAt(0) ?? 0)
    if (octets + size > MAX_OCTETS) {
      out += '\r\n '
      octets = 1
    }
    out += char
    octets += size
  }
  return `${out}\r\n`
}

/** TEXT value escaping (SUMMARY, DESCRIPTION, LOCATION). */
export function escapeText(value: string): string {
  return value.replace(/[\\;,]/g, (char) => `\\${char}`).replace(/\r?\n/g, '\\n')
}

/** Parameter value (CN=…): quoted when it holds a separator; DQUOTE itself is not allowed inside. */
export function paramValue(value: string): string {
  const clean = value.replaceAll('"', "'")
  return /[:;,]/.test(clean) ? `"${clean}"` : clean
}

/** VTIMEZONE for the zone recurring meetings are anchored in, as Google's export includes it. */
export const losAngelesTimezone = [
  'BEGIN:VTIMEZONE',
  'TZID:America/Los_Angeles',
  'X-LIC-LOCATION:America/Los_Angeles',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0800',
  'TZOFFSETTO:-0700',
  'TZNAME:PDT',
  'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0700',
  'TZOFFSETTO:-0800',
  'TZNAME:PST',
  'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
] as const
