/**
 * Keeps a lookup document within its byte budget. Whole items are dropped, least useful first
 * (messages, then meetings, colleagues, channels, cases, deals, owners, organisations), then the
 * profile's claims, then its less central fields; everything dropped is counted in `omitted`, and an
 * activity section's entry carries a handle to fetch the rest. Text is never cut mid-item here (the
 * untrusted texts were already cut to the detail level's length), so what remains is whole. Pure.
 */
import { BYTES_PER_TOKEN, type ActivitySection, type LookupResult, type Section } from './lookup-schema.ts'
import { encodeHandle } from './handle.ts'

const DROP_ORDER = ['messages', 'meetings', 'colleagues', 'channels', 'cases', 'deals', 'owners', 'organizations'] as const
const ACTIVITY: ReadonlySet<string> = new Set<ActivitySection>(['deals', 'cases', 'meetings', 'messages'])

export const budgetBytes = (tokens: number): number => tokens * BYTES_PER_TOKEN

export const byteSize = (value: unknown): number => Buffer.byteLength(JSON.stringify(value))

/** Drops what does not fit and sets `size`. */
export function fitBudget(document: LookupResult, limitBytes: number): LookupResult {
  const doc = document
  for (let round = 0; round < 50; round++) {
    setSize(doc, limitBytes)
    const excess = byteSize(doc) - limitBytes
    if (excess <= 0) return doc
    if (!dropSome(doc, excess)) break
  }
  setSize(doc, limitBytes)
  return doc
}

/** Removes items worth at least `excess` bytes; false when nothing is left to remove. */
function dropSome(doc: LookupResult, excess: number): boolean {
  let freed = 0
  const related = doc.related
  if (related) {
    for (const section of DROP_ORDER) {
      const items = related[section] as { untrusted?: string | null }[] | undefined
      while (items && items.length > 0 && freed < excess) {
        const item = items.pop()!
        freed += byteSize(item) + 1 + dropUntrusted(doc, item.untrusted ?? null)
        countOmitted(doc, section, 1)
      }
      if (freed >= excess) return true
    }
  }
  const profile = doc.profile
  if (profile) {
    for (const field of profile.fields) {
      if (field.claims && field.claims.length > 0) {
        freed += byteSize(field.claims)
        delete field.claims
        if (freed >= excess) return true
      }
    }
    while (profile.records.length > 1 && freed < excess) freed += byteSize(profile.records.pop()) + 1
    while (profile.fields.length > 1 && freed < excess) {
      freed += byteSize(profile.fields.pop()) + 1
      countOmitted(doc, 'profile', 1)
    }
    if (freed >= excess) return true
  }
  if (doc.untrusted && doc.untrusted.items.length > 0) {
    while (doc.untrusted.items.length > 0 && freed < excess) freed += byteSize(doc.untrusted.items.pop()) + 1
    return true
  }
  if (compact(doc)) return true
  if (doc.candidates && doc.candidates.length > 2) {
    doc.candidates.pop()
    return true
  }
  return freed > 0
}

/** Last resort: sections left empty go (their counts stay in omitted). */
function compact(doc: LookupResult): boolean {
  let changed = false
  if (doc.related) {
    for (const [section, items] of Object.entries(doc.related)) {
      if (Array.isArray(items) && items.length === 0) {
        delete doc.related[section as keyof typeof doc.related]
        changed = true
      }
    }
    if (Object.keys(doc.related).length === 0) delete doc.related
  }
  if (doc.untrusted && doc.untrusted.items.length === 0) {
    delete doc.untrusted
    changed = true
  }
  if (doc.profile && doc.profile.records.length > 0) {
    doc.profile.records = []
    changed = true
  }
  return changed
}

function dropUntrusted(doc: LookupResult, id: string | null): number {
  if (id === null || !doc.untrusted) return 0
  const index = doc.untrusted.items.findIndex((item) => item.id === id)
  if (index === -1) return 0
  const [removed] = doc.untrusted.items.splice(index, 1)
  return byteSize(removed) + 1
}

function countOmitted(doc: LookupResult, section: Section, count: number): void {
  const entry = doc.omitted.find((item) => item.section === section)
  if (entry) {
    entry.count += count
    if (entry.handle !== null && ACTIVITY.has(section) && doc.profile) {
      // The handle continues after what is still shown.
      const shown = (doc.related?.[section as ActivitySection] ?? []).length
      entry.handle = encodeHandle({ entityId: doc.profile.entityId, section: section as ActivitySection, offset: shown })
    }
    return
  }
  const handle =
    ACTIVITY.has(section) && doc.profile
      ? encodeHandle({ entityId: doc.profile.entityId, section: section as ActivitySection, offset: (doc.related?.[section as ActivitySection] ?? []).length })
      : null
  doc.omitted.push({ section, count, handle })
}

/** Sets size.bytes to the document's own final size (the number's digits count too). */
function setSize(doc: LookupResult, limitBytes: number): void {
  doc.size = { budgetBytes: limitBytes, bytes: 0 }
  for (let i = 0; i < 3; i++) doc.size.bytes = byteSize(doc)
}
