/**
 * Writes one batch of resolved components: entities (new, kept, redirected), their members with the
 * rule and evidence of every link, and the merges the guards refused (an entity's identifiers are a
 * view over its members' keys). Set-based: each statement carries the whole batch as arrays or JSON.
 */
import { sql, type Transaction } from 'kysely'
import type { DB, ResolvedKind } from '../../schema/database.ts'
import type { MemberDecision, RefusalDecision } from '../resolve-records.ts'

export interface EntityToWrite {
  id: string
  created: boolean
  displayName: string | null
  isInternal: boolean | null
  /** Each member with the first entity it was ever given. */
  members: (MemberDecision & { origin: string })[]
}

export interface BatchToWrite {
  kind: ResolvedKind
  /** Every scope record of the batch: their old memberships and refusals are replaced. */
  recordIds: number[]
  /** False when the kind has no memberships nor refusals yet (a first pass): nothing to replace. */
  replace: boolean
  entities: EntityToWrite[]
  /** Previous entity → the survivor it now redirects to. */
  redirects: Map<string, string>
  refusals: RefusalDecision[]
  now: Date
}

const json = (value: unknown) => JSON.stringify(value)

export async function writeBatch(trx: Transaction<DB>, batch: BatchToWrite): Promise<void> {
  const { kind, now } = batch
  const created = batch.entities.filter((entity) => entity.created)
  if (created.length > 0) {
    await sql`insert into entities (id, kind, display_name, is_internal, created_at, updated_at)
      select e.id, ${kind}, e.display_name, e.is_internal, ${now}, ${now}
      from unnest(${created.map((entity) => entity.id)}::uuid[], ${created.map((entity) => entity.displayName)}::text[],
        ${created.map((entity) => entity.isInternal)}::boolean[]) as e(id, display_name, is_internal)`.execute(trx)
  }
  const kept = batch.entities.filter((entity) => !entity.created)
  if (kept.length > 0) {
    await sql`update entities t set display_name = e.display_name, is_internal = e.is_internal, redirect_to = null, updated_at = ${now}
      from jsonb_to_recordset(${json(kept.map(entityRow))}::jsonb) as e(id uuid, display_name text, is_internal boolean)
      where t.id = e.id and (t.display_name is distinct from e.display_name or t.is_internal is distinct from e.is_internal or t.redirect_to is not null)`.execute(trx)
  }
  if (batch.redirects.size > 0) {
    const redirects = json([...batch.redirects].map(([from, to]) => ({ from, to })))
    // Redirects stay one hop: whatever pointed at a merged-away entity points at its survivor.
    await sql`update entities t set redirect_to = r.to, updated_at = ${now}
      from jsonb_to_recordset(${redirects}::jsonb) as r("from" uuid, "to" uuid)
      where t.id = r."from" or t.redirect_to = r."from"`.execute(trx)
  }

  const { recordIds, replace } = batch
  if (replace) await sql`delete from entity_members where entity_kind = ${kind} and source_record_id = any(${recordIds}::bigint[])`.execute(trx)
  const members = { recordId: [] as number[], entityId: [] as string[], rule: [] as string[], score: [] as (number | null)[], evidence: [] as string[], origin: [] as string[] }
  for (const entity of batch.entities) {
    for (const member of entity.members) {
      members.recordId.push(member.recordId)
      members.entityId.push(entity.id)
      members.rule.push(member.rule)
      members.score.push(member.score)
      members.evidence.push(json(member.evidence))
      members.origin.push(member.origin)
    }
  }
  if (members.recordId.length > 0) {
    await sql`insert into entity_members (source_record_id, entity_kind, entity_id, rule, score, evidence, decided_at, origin_entity_id)
      select m.source_record_id, ${kind}, m.entity_id, m.rule, m.score, m.evidence, ${now}, m.origin_entity_id
      from unnest(${members.recordId}::bigint[], ${members.entityId}::uuid[], ${members.rule}::text[], ${members.score}::real[],
        ${members.evidence}::jsonb[], ${members.origin}::uuid[]) as m(source_record_id, entity_id, rule, score, evidence, origin_entity_id)`.execute(trx)
  }

  if (replace) {
    await sql`delete from merge_refusals where entity_kind = ${kind}
      and (source_record_id = any(${recordIds}::bigint[]) or other_record_id = any(${recordIds}::bigint[]))`.execute(trx)
  }
  if (batch.refusals.length > 0) {
    const refusals = batch.refusals.map((refusal) => ({
      source_record_id: refusal.recordId,
      other_record_id: refusal.otherRecordId,
      rule: refusal.rule,
      reason: refusal.reason,
      details: refusal.details,
    }))
    await sql`insert into merge_refusals (entity_kind, source_record_id, other_record_id, rule, reason, details, decided_at)
      select ${kind}, r.source_record_id, r.other_record_id, r.rule, r.reason, r.details, ${now}
      from jsonb_to_recordset(${json(refusals)}::jsonb)
        as r(source_record_id bigint, other_record_id bigint, rule text, reason text, details jsonb)`.execute(trx)
  }
}

function entityRow(entity: EntityToWrite) {
  return { id: entity.id, display_name: entity.displayName, is_internal: entity.isInternal }
}

/**
 * Entities of a kind that lost every record (all deleted) and were merged into nothing: removed,
 * with their edges, and whatever redirected to them no longer does.
 */
export async function removeEmptyEntities(trx: Transaction<DB>, kind: ResolvedKind, candidates: readonly string[]): Promise<number> {
  if (candidates.length === 0) return 0
  const { rows } = await sql<{ removed: number }>`
    with empty as (
      select e.id from entities e
      where e.id = any(${[...candidates]}::uuid[])
        and e.kind = ${kind} and e.redirect_to is null
        and not exists (select 1 from entity_members m where m.entity_id = e.id)
    ),
    unpointed as (update entities set redirect_to = null where redirect_to in (select id from empty) returning 1),
    unlinked as (delete from edges where from_entity_id in (select id from empty) or to_entity_id in (select id from empty)),
    removed as (delete from entities where id in (select id from empty) returning 1)
    select (select count(*) from removed)::int as removed`.execute(trx)
  return rows[0]?.removed ?? 0
}
