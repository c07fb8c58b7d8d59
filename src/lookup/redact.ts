/**
 * For callers without the `pii` scope: personal values (personal emails, phone numbers, as the sources
 * wrote them and normalised) are masked wherever they appear in the document — in a record reference
 * (Google contacts are keyed by email), an untrusted text, the echoed query — not only in the fields
 * that hold them. The values are the entity's and those of the people its activity names, who write
 * their own and one another's numbers into messages; and an address at a free-mail domain is a
 * personal email whoever's it is. Pure.
 */
import { isFreeMailDomain, registrableDomain } from '../resolve/keys/index.ts'
import { maskEmail, maskPhone } from './mask.ts'

export interface PersonalValue {
  text: string
  kind: 'email' | 'phone'
}

/** An email address inside free text (the local part stops at `:`, so `mailto:` stays outside). */
const EMAIL_IN_TEXT = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu

export function redact<T>(document: T, values: readonly PersonalValue[]): T {
  const wanted = values.filter((value) => value.text.length >= 5).sort((a, b) => b.text.length - a.text.length)
  const pattern = wanted.length === 0 ? null : new RegExp(wanted.map((value) => escape(value.text)).join('|'), 'gi')
  const masks = new Map(wanted.map((value) => [value.text.toLowerCase(), value.kind === 'email' ? maskEmail(value.text) : maskPhone(value.text)]))
  const mask = (text: string) =>
    (pattern === null ? text : text.replace(pattern, (found) => masks.get(found.toLowerCase()) ?? '•••')).replace(EMAIL_IN_TEXT, (found) =>
      isPersonalAddress(found) ? maskEmail(found) : found,
    )
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return mask(value)
    if (Array.isArray(value)) return value.map(visit)
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item)]))
    return value
  }
  return visit(document) as T
}

function isPersonalAddress(address: string): boolean {
  const domain = registrableDomain(address.slice(address.lastIndexOf('@') + 1))
  return domain !== undefined && isFreeMailDomain(domain)
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
