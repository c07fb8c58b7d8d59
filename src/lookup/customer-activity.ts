/**
 * One activity section of one entity, a page at a time: where a profile's `omitted` handle points,
 * or from the start for an entity id and section. The caller's rights are checked again on every
 * page; free text comes fenced as untrusted, as in the profile.
 */
import type { Deps } from '../deps.ts'
import { CgError } from '../errors.ts'
import { activityItem, UntrustedCollector } from './activity-items.ts'
import { audited } from './audit.ts'
import { classifyQuery } from './classify-query.ts'
import { findEntities } from './find-entities.ts'
import { decodeHandle, encodeHandle, type ActivityHandle } from './handle.ts'
import { loadActivity, loadMembers, loadParticipantRecords } from './load-profile.ts'
import { DETAIL_LIMITS } from './lookup-customer.ts'
import { activityInputSchema, LIMITS, type ActivityInput, type ActivityResult, type Principal } from './lookup-schema.ts'
import { parseInput } from './parse-input.ts'
import { personalValues } from './profile-fields.ts'
import { redact } from './redact.ts'
import { requireScope, viewerOf } from './viewer.ts'

export async function customerActivity(deps: Deps, input: unknown, principal: Principal): Promise<ActivityResult> {
  return audited(deps, principal, 'customer_activity', input, async () => {
    const asked = parseInput(activityInputSchema, input)
    requireScope(principal, 'lookup')
    const page = await startOf(deps, asked)
    const limit = asked.limit ?? LIMITS.activityLimit.default
    const viewer = await viewerOf(deps.db, principal)
    const canSeePii = principal.scopes.has('pii')
    const [activity, members] = await Promise.all([
      loadActivity(deps.db, page.entityId, [page.section], limit, viewer, { [page.section]: page.offset }),
      canSeePii ? [] : loadMembers(deps.db, page.entityId),
    ])
    const untrusted = new UntrustedCollector(DETAIL_LIMITS.full.text)
    const items = activity.items.flatMap((row) => activityItem(row, untrusted) ?? [])
    const { visible, withheld } = activity.totals[page.section]
    const reached = page.offset + items.length
    const result: ActivityResult = {
      entityId: page.entityId,
      section: page.section,
      items,
      untrusted: untrusted.section(),
      next: reached < visible ? encodeHandle({ ...page, offset: reached }) : null,
      withheld: withheld > 0 ? [{ section: page.section, count: withheld, reason: 'messages in private conversations the caller is not a member of' }] : [],
    }
    const participants = canSeePii ? [] : await loadParticipantRecords(deps.db, activity.items.map((row) => row.id))
    return { result: canSeePii ? result : redact(result, personalValues([...members, ...participants])), status: 'found', entityIds: [page.entityId] }
  })
}

async function startOf(deps: Deps, asked: ActivityInput): Promise<ActivityHandle> {
  if (asked.handle !== undefined) return decodeHandle(asked.handle)
  if (asked.entity_id === undefined || asked.section === undefined) {
    const parameter = asked.entity_id === undefined ? 'entity_id' : 'section'
    throw new CgError('E_INVALID_QUERY', `give a handle, or an entity_id and a section; ${parameter} is missing`, { location: { parameter } })
  }
  const reading = classifyQuery(asked.entity_id)
  const [match] = reading.as === 'entity_id' ? await findEntities(deps.db, reading) : []
  if (!match) throw new CgError('E_NOT_FOUND', `no person or organisation has the entity id ${asked.entity_id}`, { location: { parameter: 'entity_id' } })
  return { entityId: match.entityId, section: asked.section, offset: 0 }
}
