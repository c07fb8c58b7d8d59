/**
 * Identifier formats of the four systems. Everything is derived from counters or indexes so ids are
 * unique by construction (no sets of used ids at a million people) and identical for the same seed.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
/** Instance/pod part of our fake org's ids, like "Ox" in 001Ox00000PVUoEIAX. */
const SALESFORCE_POD = 'Hp'

function toBase62(value: number): string {
  let out = ''
  let rest = value
  do {
    out = BASE62.charAt(rest % 62) + out
    rest = Math.floor(rest / 62)
  } while (rest > 0)
  return out
}

/** The 3-character suffix that makes a 15-character Salesforce id case-insensitive-safe. */
export function salesforceChecksum(id15: string): string {
  if (id15.length !== 15) throw new Error(`not a 15-character Salesforce id: ${id15}`)
  let suffix = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0
    for (let i = 0; i < 5; i++) {
      const code = id15.charCodeAt(chunk * 5 + i)
      if (code >= 65 && code <= 90) bits |= 1 << i
    }
    suffix += CHECKSUM_ALPHABET.charAt(bits)
  }
  return suffix
}

export function toSalesforce18(id15: string): string {
  return id15 + salesforceChecksum(id15)
}

/**
 * The n-th id of an object type (key prefix such as 003), 18 characters. The stride spreads
 * consecutive ids over the base-62 alphabet so checksums and letter case vary like real ids do.
 */
export function salesforceId(keyPrefix: string, n: number): string {
  const unique = toBase62(1_000_000_000 + n * 37).padStart(10, '0')
  return toSalesforce18(keyPrefix + SALESFORCE_POD + unique)
}

export interface SalesforceIdAllocator {
  next(keyPrefix: string): string
  count(keyPrefix: string): number
}

export function createSalesforceIdAllocator(): SalesforceIdAllocator {
  const counters = new Map<string, number>()
  return {
    next(keyPrefix) {
      const n = counters.get(keyPrefix) ?? 0
      counters.set(keyPrefix, n + 1)
      return salesforceId(keyPrefix, n)
    },
    count: (keyPrefix) => counters.get(keyPrefix) ?? 0,
  }
}

const SLACK_SPACE = 36 ** 9
/** Coprime with 36^9 (neither even nor a multiple of 3), so n → n·A mod 36^9 is a bijection. */
const SLACK_MULTIPLIER = 337_897

/**
 * Slack ids look like U061A5N1G: a type letter and upper-case base 36. The counter is scrambled by a
 * bijection so ids look random yet stay unique for every n below 36^9.
 */
export function slackId(prefix: string, n: number): string {
  const scrambled = (n * SLACK_MULTIPLIER + 1_234_567) % SLACK_SPACE
  return prefix + '0' + scrambled.toString(36).toUpperCase().padStart(9, '0')
}

/** Namespaces inside the Slack user-id space, so employees, guests and externals never collide. */
export const slackUserSpace = { employee: 0, guest: 5_000_000, external: 10_000_000, bot: 20_000_000 } as const

export function personEntityId(n: number): string {
  return `P${String(n).padStart(7, '0')}`
}

export function organizationEntityId(n: number): string {
  return `O${String(n).padStart(7, '0')}`
}

/** Shared mailboxes (support@…) are entities of their own, never a person. */
export function mailboxEntityId(n: number): string {
  return `S${String(n).padStart(7, '0')}`
}
