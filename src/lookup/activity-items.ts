/**
 * Activity rows as the document's section items, with their free text moved into the untrusted
 * section (cleaned, cut, fenced) and referred to by id. Pure.
 */
import type { ActivityRow } from './load-profile.ts'
import { UNTRUSTED_NOTICE, type ActivitySection, type Related, type LookupResult } from './lookup-schema.ts'
import { sanitizeLine, sanitizeText } from './sanitize-text.ts'

type Untrusted = NonNullable<LookupResult['untrusted']>
type SectionItem = NonNullable<Related[ActivitySection]>[number]

export class UntrustedCollector {
  readonly items: Untrusted['items'] = []
  private readonly maxLength: number
  constructor(maxLength: number) {
    this.maxLength = maxLength
  }

  /** Adds the row's text and returns its id, or null when it has none. */
  add(row: ActivityRow): string | null {
    if (row.body === null || row.body.trim() === '') return null
    const text = sanitizeText(row.body, this.maxLength)
    if (text === '') return null
    const id = `u${this.items.length + 1}`
    this.items.push({ id, kind: row.kind, system: row.system, record: row.ref, author: authorOf(row), at: iso(row.occurred_at), text })
    return id
  }

  section(): Untrusted {
    return { notice: UNTRUSTED_NOTICE, items: this.items }
  }
}

export function sectionOf(kind: ActivityRow['kind']): ActivitySection | null {
  return kind === 'deal' ? 'deals' : kind === 'case' ? 'cases' : kind === 'meeting' ? 'meetings' : kind === 'message' ? 'messages' : null
}

export function activityItem(row: ActivityRow, untrusted: UntrustedCollector): SectionItem | null {
  const attributes = row.attributes
  const num = (value: unknown) => (typeof value === 'number' ? value : null)
  const txt = (value: unknown) => (typeof value === 'string' ? sanitizeLine(value, 60) : null)
  switch (row.kind) {
    case 'deal':
      return {
        record: row.ref,
        name: sanitizeLine(row.title),
        stage: sanitizeLine(row.status, 60),
        amount: num(attributes.amount),
        currency: txt(attributes.currency),
        closeDate: txt(attributes.closeDate),
        open: row.is_open,
        owner: sanitizeLine(row.person),
        untrusted: untrusted.add(row),
      }
    case 'case':
      return {
        record: row.ref,
        subject: sanitizeLine(row.title),
        number: txt(attributes.caseNumber),
        status: sanitizeLine(row.status, 60),
        priority: txt(attributes.priority),
        openedAt: iso(row.occurred_at),
        open: row.is_open,
        untrusted: untrusted.add(row),
      }
    case 'meeting':
      return {
        record: row.ref,
        title: sanitizeLine(row.title),
        startsAt: iso(row.occurred_at),
        organizer: sanitizeLine(row.person),
        attendees: row.attendees,
        untrusted: untrusted.add(row),
      }
    case 'message':
      return { record: row.ref, channel: sanitizeLine(row.channel), at: iso(row.occurred_at), author: authorOf(row), untrusted: untrusted.add(row) }
    case 'task':
      return null
  }
}

function authorOf(row: ActivityRow): string | null {
  return sanitizeLine(row.person ?? (typeof row.attributes.authorName === 'string' ? row.attributes.authorName : null))
}

const iso = (value: string | Date): string => new Date(value).toISOString()
