/**
 * What stays of an erased person: salted SHA-256 hashes of what they were known by, and the check
 * every import and sync applies to each record before it lands (pure; load-suppression.ts reads the
 * hashes). A record is
 * - dropped when it is one of theirs: its reference (system:objectType:sourceId) was erased, or it
 *   describes a person with one of their emails;
 * - scrubbed when it names them: each identifier found in a string (an email, a system id, an
 *   employee id) becomes ERASED, and in such a record so do their names and phone numbers;
 * - left alone otherwise. The hashes hold no value, so matching works on candidates cut from each
 *   string: the whole string, every email in it, every run of letters and digits, and (where an
 *   identifier was found) every two to four words and every phone-shaped run of digits.
 * A name alone never scrubs a record: another person may share it.
 */
import { createHash } from 'node:crypto'
import { normalizeEmail } from '../resolve/keys/index.ts'

export type SuppressionKind = 'record' | 'identifier' | 'context'

/** What an erased value is replaced with, in the store and in what lands later. */
export const ERASED = '[erased]'

const SALT = 'customer-graph/suppression/v1'

/** The stored form of a value: its kind, normalised (case, spacing; a phone's digits), salted, hashed. */
export function suppressionHash(kind: SuppressionKind, value: string): string {
  return createHash('sha256').update(`${SALT}\u0000${kind}\u0000${normaliseValue(kind, value)}`).digest('hex')
}

/** A name as a context value: `name:` and its words, lower case. */
export const nameValue = (name: string): string => `name:${name}`
/** A phone as a context value: `phone:` and its digits. */
export const phoneValue = (phone: string): string => `phone:${phone.replace(/\D/g, '')}`

function normaliseValue(kind: SuppressionKind, value: string): string {
  if (kind === 'record') return value
  const folded = value.normalize('NFC').trim().toLowerCase()
  return kind === 'context' ? folded.replace(/\s+/g, ' ') : folded
}

export interface SuppressionSets {
  record: ReadonlySet<string>
  identifier: ReadonlySet<string>
  context: ReadonlySet<string>
}

const EMAIL = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu
const ID_RUN = /[\p{L}\p{N}]{4,}/gu
const WORD = /\p{L}[\p{L}'’-]*/gu
const PHONE = /\+?\d[\d\s().-]{5,}\d/g
const MIN_PHONE_DIGITS = 7

interface Span {
  start: number
  end: number
}

export class Suppression {
  readonly #sets: SuppressionSets

  constructor(sets: SuppressionSets) {
    this.#sets = sets
  }

  static readonly none = new Suppression({ record: new Set(), identifier: new Set(), context: new Set() })

  get isEmpty(): boolean {
    return this.#sets.record.size === 0 && this.#sets.identifier.size === 0
  }

  /** Whether `system:objectType:sourceId` is a record of an erased person. */
  suppressesRecord(ref: string): boolean {
    return !this.isEmpty && this.#sets.record.has(suppressionHash('record', ref))
  }

  /** Whether an email is one an erased person was known by, as written or as its key (plus-tag, case). */
  suppressesEmail(email: string): boolean {
    if (this.isEmpty) return false
    const key = normalizeEmail(email)?.address
    return [email, ...(key ? [key] : [])].some((value) => this.#sets.identifier.has(suppressionHash('identifier', value)))
  }

  /** The payload with an erased person's identifiers (and then names and phones) replaced, or undefined when it names nobody erased. */
  scrub<T>(payload: T): T | undefined {
    if (this.isEmpty || !this.#mentions(payload)) return undefined
    return this.#rewrite(payload) as T
  }

  #mentions(value: unknown): boolean {
    if (typeof value === 'string') return this.#identifierSpans(value).length > 0
    if (Array.isArray(value)) return value.some((item) => this.#mentions(item))
    if (value !== null && typeof value === 'object') return Object.values(value).some((item) => this.#mentions(item))
    return false
  }

  #rewrite(value: unknown): unknown {
    if (typeof value === 'string') return replaceSpans(value, [...this.#identifierSpans(value), ...this.#contextSpans(value)])
    if (Array.isArray(value)) return value.map((item) => this.#rewrite(item))
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.#rewrite(item)]))
    return value
  }

  #identifierSpans(text: string): Span[] {
    const spans: Span[] = []
    const hit = (value: string) => this.#sets.identifier.has(suppressionHash('identifier', value))
    if (hit(text)) return [{ start: 0, end: text.length }]
    for (const pattern of [EMAIL, ID_RUN]) {
      for (const match of text.matchAll(pattern)) {
        if (hit(match[0])) spans.push({ start: match.index, end: match.index + match[0].length })
      }
    }
    return spans
  }

  #contextSpans(text: string): Span[] {
    const spans: Span[] = []
    const hit = (value: string) => this.#sets.context.has(suppressionHash('context', value))
    const words = [...text.matchAll(WORD)]
    for (let first = 0; first < words.length; first++) {
      for (let last = first + 1; last < Math.min(words.length, first + 4); last++) {
        const start = words[first]!.index
        const end = words[last]!.index + words[last]![0].length
        // Words are joined by spacing only: "Bob, Reichert" is two mentions, not a name.
        if (/^[\p{L}'’\s-]+$/u.test(text.slice(start, end)) && hit(nameValue(text.slice(start, end)))) spans.push({ start, end })
      }
    }
    for (const match of text.matchAll(PHONE)) {
      if (match[0].replace(/\D/g, '').length >= MIN_PHONE_DIGITS && hit(phoneValue(match[0]))) spans.push({ start: match.index, end: match.index + match[0].length })
    }
    return spans
  }
}

/** The text with each span (overlapping ones joined) replaced by ERASED. */
function replaceSpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end)
  let result = ''
  let at = 0
  for (const span of sorted) {
    if (span.end <= at) continue
    result += text.slice(at, Math.max(at, span.start)) + (span.start >= at ? ERASED : '')
    at = span.end
  }
  return result + text.slice(at)
}
