/**
 * Everything about a customer in one call (DESIGN §7): the query is read (email, phone, domain, id
 * or name), matched to entities, and either one profile comes back (its fields as claims, the
 * entities and activity around it, free text fenced as untrusted) or the candidates that tell
 * several apart, or nothing. The profile takes three statements: the match, then the members and
 * related entities and the activity side by side (for a caller without the pii scope a fourth: the
 * records of the people that activity names, whose personal values are masked too). The document
 * never exceeds the caller's budget.
 */
import type { Deps } from '../deps.ts'
import { activityItem, sectionOf, UntrustedCollector } from './activity-items.ts'
import { audited } from './audit.ts'
import { classifyQuery, type QueryReading } from './classify-query.ts'
import { decideStatus } from './decide-status.ts'
import { describeCandidates } from './describe-candidates.ts'
import { findEntities, type EntityMatch } from './find-entities.ts'
import { budgetBytes, fitBudget } from './fit-budget.ts'
import { encodeHandle } from './handle.ts'
import { loadActivity, loadMembers, loadParticipantRecords, loadRelated, type MemberRow, type RelatedRows, type Viewer } from './load-profile.ts'
import {
  ACTIVITY_SECTIONS,
  LIMITS,
  lookupInputSchema,
  SECTIONS,
  type Detail,
  type LookupResult,
  type Principal,
  type Related,
  type Section,
} from './lookup-schema.ts'
import { parseInput } from './parse-input.ts'
import { personalValues, profileFields } from './profile-fields.ts'
import { redact } from './redact.ts'
import { sanitizeLine } from './sanitize-text.ts'
import { requireScope, viewerOf } from './viewer.ts'

/** Items per related section and characters per untrusted text, by detail level. */
export const DETAIL_LIMITS: Record<Detail, { items: number; text: number }> = {
  brief: { items: 3, text: 200 },
  standard: { items: 5, text: 500 },
  full: { items: 20, text: 2000 },
}

export async function lookupCustomer(deps: Deps, input: unknown, principal: Principal): Promise<LookupResult> {
  return audited(deps, principal, 'customer_profile', input, async () => {
    const asked = parseInput(lookupInputSchema, input)
    requireScope(principal, 'lookup')
    const detail = asked.detail ?? 'standard'
    const sections = new Set<Section>(asked.sections ?? SECTIONS)
    const limitBytes = budgetBytes(asked.budget ?? LIMITS.budget.default)
    const reading = classifyQuery(asked.query)
    const query = { text: sanitizeLine(asked.query, LIMITS.queryMaxLength) ?? '', interpretedAs: reading.as }
    const decision = decideStatus(await findEntities(deps.db, reading))

    if (decision.status === 'not_found') {
      return answer(fitBudget(emptyDocument('not_found', query), limitBytes), [])
    }
    if (decision.status === 'ambiguous') {
      const document = { ...emptyDocument('ambiguous', query), candidates: await describeCandidates(deps.db, decision.candidates, await viewerOf(deps.db, principal)) }
      return answer(fitBudget(document, limitBytes), decision.candidates.map((match) => match.entityId))
    }
    const viewer = await viewerOf(deps.db, principal)
    const document = await buildProfile(deps, decision.match, reading, { detail, sections, viewer, canSeePii: principal.scopes.has('pii') }, query)
    return answer(fitBudget(document, limitBytes), [decision.match.entityId])
  })
}

function answer(result: LookupResult, entityIds: string[]) {
  return { result, status: result.status, entityIds }
}

function emptyDocument(status: LookupResult['status'], query: LookupResult['query']): LookupResult {
  return { status, query, freshness: [], omitted: [], withheld: [], size: { budgetBytes: 0, bytes: 0 } }
}

interface ProfileOptions {
  detail: Detail
  sections: ReadonlySet<Section>
  viewer: Viewer
  canSeePii: boolean
}

async function buildProfile(deps: Deps, match: EntityMatch, reading: QueryReading, options: ProfileOptions, query: LookupResult['query']): Promise<LookupResult> {
  const limits = DETAIL_LIMITS[options.detail]
  const activitySections = ACTIVITY_SECTIONS.filter((section) => options.sections.has(section))
  const [members, related, activity] = await Promise.all([
    loadMembers(deps.db, match.entityId),
    loadRelated(deps.db, match.entityId, match.kind, limits.items, options.viewer),
    activitySections.length > 0 ? loadActivity(deps.db, match.entityId, activitySections, limits.items, options.viewer) : null,
  ])
  const document: LookupResult = {
    ...emptyDocument('found', query),
    profile: {
      entityId: match.entityId,
      kind: match.kind,
      name: sanitizeLine(match.name),
      internal: match.internal,
      redirectedFrom: match.redirectedFrom,
      matchedBy: reading.as === 'name' ? match.matchedBy : reading.as,
      records: members.map((member) => ({
        record: `${member.system}:${member.object_type}:${member.source_id}`,
        system: member.system,
        rule: member.rule,
        score: member.score,
      })),
      fields: options.sections.has('profile') ? profileFields(members, match.kind, match.internal, options.detail, options.canSeePii) : [],
    },
    freshness: freshness(members, related),
  }
  document.related = relatedSections(related, options.sections)
  countRelatedOmissions(document, related, options.sections)
  if (related.counts.channels_withheld > 0 && options.sections.has('channels')) {
    document.withheld.push({ section: 'channels', count: related.counts.channels_withheld, reason: 'private conversations the caller is not a member of' })
  }
  if (activity) {
    const untrusted = new UntrustedCollector(limits.text)
    for (const row of activity.items) {
      const section = sectionOf(row.kind)
      const item = section ? activityItem(row, untrusted) : null
      if (section && item) ((document.related[section] ??= []) as unknown[]).push(item)
    }
    for (const section of activitySections) {
      document.related[section] ??= []
      const { visible, withheld } = activity.totals[section]
      const shown = document.related[section].length
      if (visible > shown) {
        document.omitted.push({ section, count: visible - shown, handle: encodeHandle({ entityId: match.entityId, section, offset: shown }) })
      }
      if (withheld > 0) document.withheld.push({ section, count: withheld, reason: 'messages in private conversations the caller is not a member of' })
    }
    document.untrusted = untrusted.section()
  }
  if (options.canSeePii) return document
  const participants = await loadParticipantRecords(deps.db, activity?.items.map((row) => row.id) ?? [])
  return redact(document, personalValues([...members, ...participants]))
}

function relatedSections(related: RelatedRows, sections: ReadonlySet<Section>): Related {
  const result: Related = {}
  if (sections.has('organizations')) {
    result.organizations = related.organizations.map((row) => ({
      entityId: row.entity_id,
      name: sanitizeLine(row.name),
      domains: row.domains ?? [],
      internal: row.internal,
      via: row.via ?? [],
    }))
  }
  if (sections.has('colleagues')) result.colleagues = related.colleagues.map((row) => ({ entityId: row.entity_id, name: sanitizeLine(row.name), title: sanitizeLine(row.title) }))
  if (sections.has('owners')) {
    result.owners = related.owners.map((row) => ({
      entityId: row.entity_id,
      name: sanitizeLine(row.name),
      title: sanitizeLine(row.title),
      owns: sanitizeLine(row.owns),
      workday: {
        status: row.active === true ? 'active' : row.active === false || row.termination_date ? 'terminated' : 'unknown',
        terminationDate: row.termination_date,
        manager: row.manager_id ? { entityId: row.manager_id, name: sanitizeLine(row.manager_name) } : null,
      },
    }))
  }
  if (sections.has('channels')) {
    result.channels = related.channels.map((row) => ({
      entityId: row.entity_id,
      name: sanitizeLine(row.name),
      type: row.conversation_type ?? 'channel',
      shared: row.internal === false,
      private: (row.conversation_type ?? 'channel') !== 'channel',
    }))
  }
  return result
}

function countRelatedOmissions(document: LookupResult, related: RelatedRows, sections: ReadonlySet<Section>): void {
  for (const section of ['organizations', 'colleagues', 'owners', 'channels'] as const) {
    const shown = document.related?.[section]?.length ?? 0
    const total = related.counts[section]
    if (sections.has(section) && total > shown) document.omitted.push({ section, count: total - shown, handle: null })
  }
}

/** Per system of the entity's records: when customer-graph last read it, and the newest update among those records. */
function freshness(members: readonly MemberRow[], related: RelatedRows): LookupResult['freshness'] {
  const systems = [...new Set(members.map((member) => member.system))].sort()
  return systems.map((system) => {
    const newest = members
      .filter((member) => member.system === system && member.source_updated_at !== null)
      .reduce<number | null>((max, member) => Math.max(max ?? 0, new Date(member.source_updated_at!).getTime()), null)
    const read = related.freshness.find((row) => row.system === system)?.last_read_at ?? null
    return { system, lastReadAt: read ? new Date(read).toISOString() : null, newestSourceUpdateAt: newest === null ? null : new Date(newest).toISOString() }
  })
}


