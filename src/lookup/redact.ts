/**
 * For callers without the `pii` scope: every personal value of the entity (personal emails, phone
 * numbers, as the sources wrote them and normalised) is masked wherever it appears in the document —
 * in a record reference (Google contacts are keyed by email), an untrusted text, the echoed query —
 * not only in the fields that hold it. Pure.
 */
import { maskEmail, maskPhone } from './mask.ts'

export interface PersonalValue {
  text: string
  kind: 'email' | 'phone'
}

export function redact<T>(document: T, values: readonly PersonalValue[]): T {
  const wanted = values.filter((value) => value.text.length >= 5).sort((a, b) => b.text.length - a.text.length)
  if (wanted.length === 0) return document
  const pattern = new RegExp(wanted.map((value) => escape(value.text)).join('|'), 'gi')
  const masks = new Map(wanted.map((value) => [value.text.toLowerCase(), value.kind === 'email' ? maskEmail(value.text) : maskPhone(value.text)]))
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(pattern, (found) => masks.get(found.toLowerCase()) ?? '•••')
    if (Array.isArray(value)) return value.map(visit)
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item)]))
    return value
  }
  return visit(document) as T
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
