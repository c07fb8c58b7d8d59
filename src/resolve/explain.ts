/**
 * Why an entity is what it is: its records with the rule, score and features that linked each one,
 * its identifiers, the merges a guard refused around it, and the human overrides that apply.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema/database.ts'
import type { Subject } from './find-subject.ts'

export interface ExplainedMember {
  record: string
  rule: string
  score: number | null
  evidence: Record<string, unknown>
  deleted: boolean
  /** Pieced together from other records (an email domain's organisation, a Slack Connect team); absent otherwise. */
  inferred?: true
}

export interface ExplainedEntity {
  id: string
  kind: string
  displayName: string | null
  isInternal: boolean | null
  /** The merged-away id that was asked for, when it was one. */
  redirectedFrom?: string
  /** Entity ids merged into this one. */
  mergedAway: string[]
  members: ExplainedMember[]
  /** Each identifying value once, with the records that state it. */
  identifiers: { kind: string; value: string; generic: boolean; records: string[] }[]
  refusals: { record: string; other: string; otherEntity: string | null; rule: string; reason: string; details: Record<string, unknown> }[]
  overrides: { id: number; action: string; record: string; other: string | null; note: string | null; createdAt: Date }[]
  /** Relationships with other entities, each with the record that states it. */
  edges: { direction: 'out' | 'in'; kind: string; entity: string; entityKind: string; displayName: string | null; record: string; attributes: Record<string, unknown> }[]
}

export interface Explanation {
  /** The record asked about, when a record was asked about. */
  record?: string
  entities: ExplainedEntity[]
}

const REF = sql`s.system || ':' || s.object_type || ':' || s.source_id`
/** Relationships shown per entity (a busy channel has thousands of members). */
const EDGE_LIMIT = 200

export async function explain(db: Kysely<DB>, subject: Subject): Promise<Explanation> {
  if (subject.type === 'entity') return { entities: [await explainEntity(db, subject.entityId, subject.redirectedFrom)] }
  const { rows } = await sql<{ entity_id: string }>`
    select entity_id from entity_members where source_record_id = ${subject.recordId} order by entity_kind desc`.execute(db)
  const entities = []
  for (const row of rows) entities.push(await explainEntity(db, row.entity_id))
  return { record: subject.ref, entities }
}

async function explainEntity(db: Kysely<DB>, entityId: string, redirectedFrom?: string): Promise<ExplainedEntity> {
  const entity = await db.selectFrom('entities').select(['id', 'kind', 'display_name', 'is_internal']).where('id', '=', entityId).executeTakeFirstOrThrow()
  const merged = await db.selectFrom('entities').select('id').where('redirect_to', '=', entityId).orderBy('id').execute()
  const { rows: members } = await sql<{ ref: string; rule: string; score: number | null; evidence: Record<string, unknown>; deleted: boolean; inferred: boolean }>`
    select ${REF} as ref, m.rule, m.score, m.evidence, s.deleted_at is not null as deleted, s.inferred
    from entity_members m join source_records s on s.id = m.source_record_id
    where m.entity_id = ${entityId}
    order by m.rule = 'seed' desc, s.system, s.object_type, s.source_id`.execute(db)
  const { rows: identifiers } = await sql<{ kind: string; value: string; generic: boolean; ref: string }>`
    select i.kind, i.value, i.is_generic as generic, ${REF} as ref
    from identifiers i join source_records s on s.id = i.source_record_id
    where i.entity_id = ${entityId} and i.kind <> 'record'
    order by i.kind, i.value, ref`.execute(db)
  const { rows: refusals } = await sql<{ ref: string; other: string; other_entity: string | null; rule: string; reason: string; details: Record<string, unknown> }>`
    with mine as (select source_record_id from entity_members where entity_id = ${entityId}),
    around as (
      select r.*, r.source_record_id as own, r.other_record_id as them from merge_refusals r where r.source_record_id in (select * from mine)
      union all
      select r.*, r.other_record_id as own, r.source_record_id as them from merge_refusals r
      where r.other_record_id in (select * from mine) and r.source_record_id not in (select * from mine)
    )
    select ${REF} as ref, o.system || ':' || o.object_type || ':' || o.source_id as other,
      (select m.entity_id::text from entity_members m where m.source_record_id = a.them and m.entity_kind = a.entity_kind) as other_entity,
      a.rule, a.reason, a.details
    from around a join source_records s on s.id = a.own join source_records o on o.id = a.them
    order by ref, other`.execute(db)
  const { rows: overrides } = await sql<{ id: number; action: string; ref: string; other: string | null; note: string | null; created_at: Date }>`
    select o.id, o.action, ${REF} as ref,
      (select t.system || ':' || t.object_type || ':' || t.source_id from source_records t where t.id = o.other_record_id) as other,
      o.note, o.created_at
    from match_overrides o join source_records s on s.id = o.source_record_id
    where o.source_record_id in (select source_record_id from entity_members where entity_id = ${entityId})
       or o.other_record_id in (select source_record_id from entity_members where entity_id = ${entityId})
    order by o.id`.execute(db)
  const { rows: edges } = await sql<{ direction: 'out' | 'in'; kind: string; entity: string; entity_kind: string; display_name: string | null; ref: string; attributes: Record<string, unknown> }>`
    select x.direction, x.kind, o.id as entity, o.kind as entity_kind, o.display_name, ${REF} as ref, x.attributes
    from (
      select 'out' as direction, e.kind, e.to_entity_id as other, e.source_record_id, e.attributes from edges e where e.from_entity_id = ${entityId}
      union all
      select 'in', e.kind, e.from_entity_id, e.source_record_id, e.attributes from edges e where e.to_entity_id = ${entityId}
    ) x
    join entities o on o.id = x.other
    join source_records s on s.id = x.source_record_id
    order by x.direction desc, x.kind, o.display_name, ref
    limit ${EDGE_LIMIT}`.execute(db)
  return {
    id: entity.id,
    kind: entity.kind,
    displayName: entity.display_name,
    isInternal: entity.is_internal,
    ...(redirectedFrom ? { redirectedFrom } : {}),
    mergedAway: merged.map((row) => row.id),
    members: members.map((row) => ({ record: row.ref, rule: row.rule, score: row.score, evidence: row.evidence, deleted: row.deleted, ...(row.inferred ? { inferred: true as const } : {}) })),
    identifiers: groupIdentifiers(identifiers),
    refusals: refusals.map((row) => ({ record: row.ref, other: row.other, otherEntity: row.other_entity, rule: row.rule, reason: row.reason, details: row.details })),
    overrides: overrides.map((row) => ({ id: row.id, action: row.action, record: row.ref, other: row.other, note: row.note, createdAt: row.created_at })),
    edges: edges.map((row) => ({ direction: row.direction, kind: row.kind, entity: row.entity, entityKind: row.entity_kind, displayName: row.display_name, record: row.ref, attributes: row.attributes })),
  }
}

function groupIdentifiers(rows: { kind: string; value: string; generic: boolean; ref: string }[]): ExplainedEntity['identifiers'] {
  const grouped = new Map<string, ExplainedEntity['identifiers'][number]>()
  for (const row of rows) {
    const id = `${row.kind}\u0000${row.value}`
    const known = grouped.get(id)
    if (known) known.records.push(row.ref)
    else grouped.set(id, { kind: row.kind, value: row.value, generic: row.generic, records: [row.ref] })
  }
  return [...grouped.values()]
}

/** Who says so: the record that states the relationship, or what it was inferred from. */
function describeEdgeSource(edge: ExplainedEntity['edges'][number]): string {
  const { via, domain, team } = edge.attributes
  if (via === 'email_domain' && typeof domain === 'string') return `inferred from ${edge.record}: work email at ${domain}`
  if (via === 'slack_team' && typeof team === 'string') return `inferred from ${edge.record}: Slack Connect team ${team}`
  return `stated by ${edge.record}`
}

/** The explanation as a person reads it on a terminal. */
export function formatExplanation(explanation: Explanation): string {
  const lines: string[] = []
  if (explanation.record) lines.push(`record ${explanation.record}${explanation.entities.length === 0 ? ': not part of any entity (not resolved yet, or not a person or organisation)' : ''}`)
  for (const entity of explanation.entities) {
    const side = entity.isInternal === true ? 'internal' : entity.isInternal === false ? 'external' : 'internal or external unknown'
    lines.push(`${entity.kind} ${entity.id} "${entity.displayName ?? '(no name)'}" (${side}), ${entity.members.length} record(s)`)
    if (entity.redirectedFrom) lines.push(`  (${entity.redirectedFrom} was merged into it)`)
    if (entity.mergedAway.length > 0) lines.push(`  merged into it: ${entity.mergedAway.join(', ')}`)
    lines.push('  records:')
    for (const member of entity.members) lines.push(`    ${member.record}${member.deleted ? ' (deleted)' : ''}${member.inferred ? ' (inferred)' : ''}  ${describeLink(member)}`)
    if (entity.identifiers.length > 0) {
      lines.push('  identifiers:')
      for (const identifier of entity.identifiers) {
        const from = identifier.records.length === 1 ? identifier.records[0] : `${identifier.records.length} records`
        lines.push(`    ${identifier.kind} ${identifier.value}${identifier.generic ? ' (generic: never used to merge)' : ''}  from ${from}`)
      }
    }
    if (entity.refusals.length > 0) {
      lines.push('  merges refused:')
      for (const refusal of entity.refusals) {
        lines.push(`    ${refusal.record} ≠ ${refusal.other}${refusal.otherEntity ? ` (entity ${refusal.otherEntity})` : ''}: ${refusal.rule} refused, ${refusal.reason}${describeDetails(refusal.details)}`)
      }
    }
    if (entity.edges.length > 0) {
      lines.push(`  relationships${entity.edges.length === EDGE_LIMIT ? ` (first ${EDGE_LIMIT})` : ''}:`)
      for (const edge of entity.edges) {
        const other = `${edge.entityKind} "${edge.displayName ?? edge.entity}"`
        lines.push(`    ${edge.direction === 'out' ? `${edge.kind} → ${other}` : `← ${edge.kind} of ${other}`}  (${describeEdgeSource(edge)})`)
      }
    }
    if (entity.overrides.length > 0) {
      lines.push('  overrides:')
      for (const override of entity.overrides) {
        lines.push(`    #${override.id} ${override.action} ${override.record}${override.other ? ` = ${override.other}` : ''}${override.note ? ` — ${override.note}` : ''}`)
      }
    }
  }
  return lines.join('\n')
}

function describeLink(member: ExplainedMember): string {
  const evidence = member.evidence as { linkedTo?: string; key?: { kind: string; value: string }; weight?: number; features?: { feature: string; level: string; weight: number }[]; override?: number }
  if (member.rule === 'seed') return 'seed (first record of the entity)'
  const to = evidence.linkedTo ? ` to ${evidence.linkedTo}` : ''
  if (member.rule === 'probabilistic') {
    const features = (evidence.features ?? []).map((feature) => `${feature.feature} ${feature.level} ${signed(feature.weight)}`).join(', ')
    return `probabilistic${to}: p=${member.score ?? '?'} (weight ${evidence.weight ?? '?'}: ${features})`
  }
  if (member.rule === 'override') return `override #${evidence.override ?? '?'}${to}`
  return `${member.rule}${to}${evidence.key ? ` (same ${evidence.key.kind} ${evidence.key.value})` : ''}`
}

function describeDetails(details: Record<string, unknown>): string {
  const key = details.key as { kind: string; value: string } | undefined
  if (key) return ` (shared ${key.kind} ${key.value})`
  if (typeof details.weight === 'number') return ` (weight ${details.weight})`
  return ''
}

function signed(weight: number): string {
  return weight >= 0 ? `+${weight}` : String(weight)
}
