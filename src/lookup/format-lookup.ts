/**
 * A lookup document as a person reads it on a terminal: the profile's chosen values (with a mark
 * where sources disagree), the entities around it, the activity newest first, and what was left
 * out. Text from the sources is quoted and cut to one line. Pure.
 */
import type { LookupResult } from './lookup-schema.ts'

export function formatLookup(result: LookupResult): string {
  if (result.status === 'not_found') return `No person or organisation matches "${result.query.text}" (read as ${result.query.interpretedAs}).`
  if (result.status === 'ambiguous') return formatCandidates(result)
  const profile = result.profile!
  const related = result.related ?? {}
  const lines: string[] = []
  const side = profile.internal === true ? 'internal' : profile.internal === false ? 'customer' : 'unknown side'
  lines.push(`${profile.name ?? '(no name)'} — ${profile.kind}, ${side} (found by ${profile.matchedBy}${profile.redirectedFrom ? `; ${profile.redirectedFrom} was merged into it` : ''})`)
  lines.push(`  id ${profile.entityId}, ${profile.records.length} records: ${profile.records.map((record) => record.record).join(', ')}`)
  const width = Math.max(0, ...profile.fields.map((field) => field.field.length))
  for (const field of profile.fields) {
    const sources = field.claims ? ` (${[...new Set(field.claims.map((claim) => claim.system))].join(', ')})` : ''
    lines.push(`  ${field.field.padEnd(width)}  ${String(field.value)}${field.conflicting ? '  [sources disagree]' : ''}${sources}`)
  }
  const list = (title: string, items: string[] | undefined) => {
    if (items && items.length > 0) lines.push(`${title}:`, ...items.map((item) => `  ${item}`))
  }
  list('Organisations', related.organizations?.map((org) => `${org.name ?? '?'}${org.domains.length > 0 ? ` (${org.domains.join(', ')})` : ''}`))
  list(
    'Owners',
    related.owners?.map(
      (owner) =>
        `${owner.name ?? '?'}${owner.title ? `, ${owner.title}` : ''}${owner.owns ? ` — owns ${owner.owns}` : ''}; Workday: ${owner.workday.status}` +
        `${owner.workday.terminationDate ? ` ${owner.workday.terminationDate}` : ''}${owner.workday.manager ? `, manager ${owner.workday.manager.name ?? '?'}` : ''}`,
    ),
  )
  list(profile.kind === 'organization' ? 'People' : 'Colleagues', related.colleagues?.map((person) => `${person.name ?? '?'}${person.title ? `, ${person.title}` : ''}`))
  list('Channels', related.channels?.map((channel) => `#${channel.name ?? '?'}${channel.shared ? ' (shared)' : ''}${channel.private ? ' (private)' : ''}`))
  list('Deals', related.deals?.map((deal) => `${deal.name ?? '?'} — ${deal.stage ?? '?'}${deal.amount !== null ? `, ${deal.amount}${deal.currency ? ` ${deal.currency}` : ''}` : ''}${deal.closeDate ? `, closes ${deal.closeDate}` : ''}${deal.open ? ' (open)' : ''}`))
  list('Cases', related.cases?.map((item) => `${item.number ?? ''} ${item.subject ?? '?'} — ${item.status ?? '?'}${item.open ? ' (open)' : ''}`.trim()))
  const texts = new Map((result.untrusted?.items ?? []).map((item) => [item.id, item.text]))
  const quote = (id: string | null) => (id && texts.has(id) ? `: "${oneLine(texts.get(id)!)}"` : '')
  list('Meetings', related.meetings?.map((meeting) => `${day(meeting.startsAt)} ${meeting.title ?? '(untitled)'} (${meeting.attendees} attendees${meeting.organizer ? `, organised by ${meeting.organizer}` : ''})`))
  list('Messages', related.messages?.map((message) => `${day(message.at)} #${message.channel ?? '?'} ${message.author ?? '?'}${quote(message.untrusted)}`))
  if (result.omitted.length > 0) lines.push(`Left out: ${result.omitted.map((entry) => `${entry.count} ${entry.section}`).join(', ')} (--detail full or a larger --budget shows more)`)
  if (result.withheld.length > 0) lines.push(`Withheld: ${result.withheld.map((entry) => `${entry.count} ${entry.section}`).join(', ')}`)
  return lines.join('\n')
}

function formatCandidates(result: LookupResult): string {
  const candidates = result.candidates ?? []
  const lines = [`"${result.query.text}" matches ${candidates.length} entities; which one?`]
  for (const candidate of candidates) {
    const facts = [candidate.title, candidate.organization, candidate.country, candidate.owner ? `owner ${candidate.owner}` : null, candidate.lastActivityAt ? `last active ${day(candidate.lastActivityAt)}` : null]
    lines.push(`  ${candidate.entityId}  ${candidate.name ?? '(no name)'} — ${facts.filter(Boolean).join(', ') || candidate.kind}`)
  }
  return lines.join('\n')
}

const day = (iso: string) => iso.slice(0, 10)
const oneLine = (text: string) => {
  const line = text.replace(/\s+/g, ' ')
  return line.length > 100 ? `${line.slice(0, 99)}…` : line
}
