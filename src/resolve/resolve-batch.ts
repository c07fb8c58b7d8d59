/**
 * One batch of a resolution pass: whole components read from the store (records with their keys,
 * the entities they belonged to, the overrides naming them), then resolved in memory into entities
 * with stable ids, display names and sides, ready to write.
 */
import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { SourceRef } from '../schema/canonical.ts'
import type { DB, ResolvedKind } from '../schema/database.ts'
import { resolveRecords, type OverrideInput, type RecordInput, type RefusalDecision, type ResolutionStrategy } from './resolve-records.ts'
import { compareRefs, formatRef, type OrganizationRecord, type PersonRecord } from './resolvable.ts'
import { organizationDomainName } from './organization-keys.ts'
import { assignStableIds } from './stable-ids.ts'
import { loadResolvables, type LoadedRecord, type RecordSource } from './store/load-resolvables.ts'
import type { EntityToWrite } from './store/write-entities.ts'

/** How one kind is resolved, batch by batch. */
export interface KindStrategy<Data, Features> {
  /** Blocking keys held by more records than this join nothing (see ResolutionStrategy.maxBlock). */
  maxBlock: number
  /** The strategy a batch is resolved with: people's depends on the organisations their records name. */
  forBatch(records: readonly LoadedRecord[]): Promise<ResolutionStrategy<Data, Features>>
}

/**
 * A batch's records with their keys, their entities so far, the overrides that name them, and its
 * strategy. `entitiesBefore`: whether the kind had any entity when the pass began (on a first pass it
 * has none, and the memberships are not looked up: a tenth of a batch's reading at a million people).
 */
export async function readBatch<Data, Features>(db: Kysely<DB>, kind: ResolvedKind, kindStrategy: KindStrategy<Data, Features>, componentIds: number[][], options: { entitiesBefore: boolean; from: RecordSource }) {
  const batchIds = componentIds.flat()
  const [loaded, previous, overrides] = await Promise.all([
    loadResolvables(db, batchIds, options.from),
    options.entitiesBefore ? previousMembership(db, kind, batchIds) : NO_MEMBERSHIP,
    overridesOf(db, kind, batchIds),
  ])
  const records = loaded.filter((record) => record.kind === kind)
  const byId = new Map(records.map((record) => [record.id, record]))
  return { componentIds, batchIds, byId, previous, overrides, strategy: await kindStrategy.forBatch(records) }
}

export type ReadBatch<Data, Features> = Awaited<ReturnType<typeof readBatch<Data, Features>>>

/** Resolves a batch's components in memory and gives each cluster its stable entity id. */
export function resolveBatch<Data, Features>(kind: ResolvedKind, batch: ReadBatch<Data, Features>, tooCommon: ReadonlySet<string>) {
  const { componentIds, byId, previous, overrides, strategy } = batch
  const entities: EntityToWrite[] = []
  const redirects = new Map<string, string>()
  const refusals: RefusalDecision[] = []
  for (const members of componentIds) {
    const inputs: RecordInput<Data>[] = []
    for (const id of members) {
      const record = byId.get(id)
      if (record) inputs.push({ id, ref: record.ref, data: record.data as Data, keys: record.keys.filter((key) => key.role === 'identifier' || !tooCommon.has(`${key.kind}\u0000${key.value}`)) })
    }
    if (inputs.length === 0) continue
    const resolved = resolveRecords(strategy, inputs, overrides)
    refusals.push(...resolved.refusals)
    const refOf = (id: number) => formatRef(byId.get(id)!.ref)
    const known = members.filter((id) => byId.has(id))
    const byRef = (map: ReadonlyMap<number, string | number>) => new Map(known.flatMap((id) => (map.has(id) ? [[refOf(id), map.get(id)!] as const] : [])))
    const stable = assignStableIds({
      clusters: resolved.clusters.map((cluster) => cluster.map((member) => refOf(member.recordId))),
      previous: byRef(previous.entityOf) as Map<string, string>,
      origin: byRef(previous.originOf) as Map<string, string>,
      firstSeen: new Map(known.map((id) => [refOf(id), byId.get(id)!.firstSeen])),
      age: previous.age,
      newId: randomUUID,
    })
    const created = new Set(stable.created)
    resolved.clusters.forEach((cluster, index) => {
      const id = stable.ids[index]!
      const records = cluster.map((member) => byId.get(member.recordId)!)
      const withOrigin = cluster.map((member) => ({ ...member, origin: previous.originOf.get(member.recordId) ?? id }))
      entities.push({ id, created: created.has(id), displayName: displayName(kind, records), isInternal: internalOf(kind, records), members: withOrigin })
    })
    for (const [from, to] of stable.redirects) redirects.set(from, to)
  }
  return { entities, redirects, refusals }
}


interface Membership {
  /** Record → the entity it belonged to. */
  entityOf: ReadonlyMap<number, string>
  /** Record → the entity it was first given, kept through merges (an unlinked record gets it back). */
  originOf: ReadonlyMap<number, string>
  /** Entity → age rank (older entities win ties for an id). */
  age: ReadonlyMap<string, number>
}

/** A kind that has no entity yet (a first pass): no memberships to carry over. */
const NO_MEMBERSHIP: Membership = { entityOf: new Map(), originOf: new Map(), age: new Map() }

async function previousMembership(db: Kysely<DB>, kind: ResolvedKind, ids: number[]): Promise<Membership> {
  const { rows } = await sql<{ id: number; entity_id: string; origin: string | null; created_at: Date }>`
    select m.source_record_id as id, m.entity_id, m.origin_entity_id as origin, e.created_at from entity_members m
    join entities e on e.id = m.entity_id
    where m.source_record_id = any(${ids}::bigint[]) and m.entity_kind = ${kind}`.execute(db)
  const entityOf = new Map(rows.map((row) => [row.id, row.entity_id]))
  const originOf = new Map(rows.map((row) => [row.id, row.origin ?? row.entity_id]))
  // Rank by creation time, then id.
  const entities = [...new Map(rows.map((row) => [row.entity_id, row.created_at.getTime()]))].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
  return { entityOf, originOf, age: new Map(entities.map(([entity], rank) => [entity, rank])) }
}

async function overridesOf(db: Kysely<DB>, kind: ResolvedKind, ids: number[]): Promise<OverrideInput[]> {
  const { rows } = await sql<{ id: number; action: 'link' | 'unlink'; source_record_id: number; other_record_id: number | null }>`
    select id, action, source_record_id, other_record_id from match_overrides
    where entity_kind = ${kind} and (source_record_id = any(${ids}::bigint[]) or other_record_id = any(${ids}::bigint[]))
    order by id`.execute(db)
  return rows.map((row) => ({ id: row.id, action: row.action, recordId: row.source_record_id, otherRecordId: row.other_record_id }))
}

/** Which system's name for a person reads best: HR first, then the directory, CRM users, chat, CRM contacts. */
const NAME_PREFERENCE = ['workday:worker', 'google:user', 'salesforce:User', 'slack:user', 'salesforce:Contact', 'salesforce:Lead', 'google:contact', 'google:calendar_attendee']

function displayName(kind: ResolvedKind, records: readonly LoadedRecord[]): string | null {
  const rank = (ref: SourceRef) => {
    const position = NAME_PREFERENCE.indexOf(`${ref.system}:${ref.objectType}`)
    return position === -1 ? NAME_PREFERENCE.length : position
  }
  const ordered = [...records].sort((a, b) => rank(a.ref) - rank(b.ref) || compareRefs(a.ref, b.ref))
  for (const record of ordered) {
    if (kind === 'organization') {
      const name = (record.data as OrganizationRecord).name
      if (name) return name
      continue
    }
    const { name } = record.data as PersonRecord
    const full = name.preferred && name.family ? `${name.preferred} ${name.family}` : (name.full ?? [name.given, name.family].filter(Boolean).join(' '))
    if (full) return full
  }
  // An organisation known only from its people's email domain has no name but its domain.
  if (kind === 'organization') return organizationDomainName(ordered.map((record) => record.data as OrganizationRecord))
  return null
}

function internalOf(kind: ResolvedKind, records: readonly LoadedRecord[]): boolean | null {
  const values = records.map((record) => (record.data).internal)
  if (values.includes(true)) return true
  if (values.includes(false)) return false
  return kind === 'organization' ? false : null
}
