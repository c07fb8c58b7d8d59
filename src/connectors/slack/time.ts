/**
 * Slack times: message `ts` strings ("1516454398.000069": seconds plus a sequence that is not a
 * fraction of a second on older messages but is treated as microseconds by every client) and epoch
 * seconds as numbers or strings (`created`, `last_set`, `updated`).
 */

/** ISO time of a Slack `ts`, to the millisecond, or undefined when it is not a valid ts. */
export function slackTsToIso(ts: string): string | undefined {
  const match = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(ts)
  if (!match) return undefined
  const seconds = Number(match[1])
  // Integer arithmetic: parseFloat would round "…999999" sequences into the next millisecond.
  const millis = Number((match[2] ?? '').padEnd(3, '0').slice(0, 3))
  return isoOf(seconds * 1000 + millis)
}

/** ISO time of epoch seconds given as a number or a numeric string; undefined for 0, blanks and junk. */
export function epochSecondsToIso(value: unknown): string | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN
  // 0 is Slack's "never set" (topic.last_set of an empty topic), not 1970.
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined
  return isoOf(Math.round(seconds * 1000))
}

function isoOf(millis: number): string | undefined {
  const date = new Date(millis)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/** Orders two message ts strings exactly (seconds, then the sequence), without floating point. */
export function compareTs(a: string, b: string): number {
  const key = (ts: string) => {
    const [seconds = '', sequence = ''] = ts.split('.')
    return `${seconds.padStart(12, '0')}.${sequence.padEnd(9, '0')}`
  }
  const left = key(a)
  const right = key(b)
  return left < right ? -1 : left > right ? 1 : 0
}

/** The ts `seconds` earlier than a ts (never before 0), for a lookback window. */
export function tsMinusSeconds(ts: string, seconds: number): string {
  const [whole = '0', sequence = '000000'] = ts.split('.')
  return `${Math.max(0, Number(whole) - seconds)}.${sequence}`
}
