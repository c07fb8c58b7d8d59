/**
 * Which records one resolution must look at, and how they fall apart into independent components.
 *
 * The scope starts from the queued records of an entity kind and grows until it is closed: every
 * record sharing a usable key with a record in scope, every record of an entity a record in scope
 * belonged to, and every record a link override ties to one. Resolving a closed scope gives the same
 * entities a full run would, whatever the order the records arrived in. The closed scope is the union
 * of the components that hold a seed: once it grows large, it is cheaper to split every record of the
 * kind into components at once and keep those (a 1% change at a million records reaches most of them
 * through common family names, round after round).
 *
 * The components are found with a union–find over typed arrays, fed by key groups streamed from the
 * database in key order: memory is a few bytes per record in scope, never the records themselves.
 */
import { sql, type Transaction } from 'kysely'
import type { DB, ResolvedKind } from '../../schema/database.ts'
import { withSettings } from './with-settings.ts'

/** Above this share of a kind's records queued, the scope is simply all of them. */
const FULL_RUN_SHARE = 0.5
const STREAM_PAGE = 20_000

export interface ScopeOptions {
  kind: ResolvedKind
  /** Blocking keys held by more records than this join nothing (see ResolutionStrategy.maxBlock). */
  maxBlock: number
  /** Past this many records, a scope still growing takes every record of the kind (see Scope.whole). */
  wholeAbove?: number
  /** Every record is queued (a first pass, a rekey): every record of the kind is a seed. */
  everyRecordQueued?: boolean
}

export interface Scope {
  /** Records in resolve_scope. */
  size: number
  /**
   * resolve_scope holds every record of the kind, the seeds at round 0: the components without a seed
   * are to be dropped (keepSeededComponents) before anything is resolved.
   */
  whole: boolean
}

/** Scope size from which growing it round by round costs more than splitting every record. */
const WHOLE_ABOVE = 20_000

/**
 * Records whose comparison draws on organisation data that this pass changes: people whose account,
 * email domain or Slack team is among the organisations in scope (call after resolving them, while
 * resolve_scope still holds their scope) or among the queued shared channels. Kept in temp table
 * resolve_dependents, which seeds the people's scope (empty on a first pass: every record is queued).
 */
export async function collectDependents(trx: Transaction<DB>, options: { organizationsResolved: boolean; firstPass: boolean }): Promise<void> {
  await sql`drop table if exists resolve_dependents`.execute(trx)
  await sql`create temp table resolve_dependents (source_record_id bigint not null, entity_kind text not null) on commit drop`.execute(trx)
  // On a first pass every record is queued already.
  if (options.firstPass) return
  if (options.organizationsResolved) {
    await sql`insert into resolve_dependents (source_record_id, entity_kind)
      select distinct k.source_record_id, 'person' from resolution_keys k
      where k.entity_kind = 'person' and k.role = 'context' and (
        (k.kind = 'org_ref' and k.value in (
          select s.system || ':' || s.object_type || ':' || s.source_id from resolve_scope o join source_records s on s.id = o.source_record_id))
        or (k.kind = 'org_domain' and k.value in (
          select ok.value from resolve_scope o join resolution_keys ok on ok.source_record_id = o.source_record_id
          where ok.entity_kind = 'organization' and ok.kind = 'domain')))`.execute(trx)
  }
  await sql`insert into resolve_dependents (source_record_id, entity_kind)
    select distinct k.source_record_id, 'person' from resolution_keys k
    where k.entity_kind = 'person' and k.role = 'context' and k.kind = 'org_team' and k.value in (
      select jsonb_array_elements_text(c.data->'sharedTeamIds') from resolve_queue q
      join canonical_records c on c.source_record_id = q.source_record_id where c.kind = 'conversation')`.execute(trx)
}

/** Below this many seeds a pass is incremental without counting the kind's records (a scan at scale). */
const SMALL_SEEDS = 10_000

/** Fills temp tables resolve_scope (the closed scope, or every record of the kind) and resolve_big_blocks. */
export async function buildScope(trx: Transaction<DB>, options: ScopeOptions): Promise<Scope> {
  const { kind, maxBlock } = options
  const wholeAbove = options.wholeAbove ?? WHOLE_ABOVE
  await sql`drop table if exists resolve_scope`.execute(trx)
  await sql`drop table if exists resolve_big_blocks`.execute(trx)
  await sql`create temp table resolve_scope (source_record_id bigint primary key, round integer not null) on commit drop`.execute(trx)
  await sql`create temp table resolve_big_blocks (kind text not null, value text not null, primary key (kind, value)) on commit drop`.execute(trx)

  if (options.everyRecordQueued === true) {
    await noteEveryBigBlock(trx, kind, maxBlock)
    await sql`insert into resolve_scope (source_record_id, round)
      select source_record_id, 0 from resolution_keys where entity_kind = ${kind}
      union select source_record_id, 0 from entity_members where entity_kind = ${kind}`.execute(trx)
    return scopeOf(trx, false)
  }

  const { rows: seeded } = await sql<{ seeds: number }>`
    with seeds as (
      insert into resolve_scope (source_record_id, round)
      select q.source_record_id, 0 from resolve_queue q
      where q.identity_changed and (exists (select 1 from resolution_keys k where k.source_record_id = q.source_record_id and k.entity_kind = ${kind})
         or exists (select 1 from entity_members m where m.source_record_id = q.source_record_id and m.entity_kind = ${kind}))
      union
      select source_record_id, 0 from resolve_dependents where entity_kind = ${kind}
      returning 1)
    select count(*)::int as seeds from seeds`.execute(trx)
  const seeds = seeded[0]?.seeds ?? 0
  if (seeds === 0) return { size: 0, whole: false }

  let whole = seeds >= SMALL_SEEDS && seeds >= FULL_RUN_SHARE * (await countKeyed(trx, kind))
  for (let round = 0, size = seeds; !whole; round++) {
    await noteBigBlocks(trx, kind, maxBlock, round)
    const added = await expandScope(trx, kind, round)
    if (added === 0) break
    size += added
    whole = size > wholeAbove
  }
  if (whole) {
    await noteEveryBigBlock(trx, kind, maxBlock)
    await sql`insert into resolve_scope (source_record_id, round)
      select source_record_id, 1 from resolution_keys where entity_kind = ${kind}
      union select source_record_id, 1 from entity_members where entity_kind = ${kind}
      on conflict do nothing`.execute(trx)
  }
  return scopeOf(trx, whole)
}

async function scopeOf(trx: Transaction<DB>, whole: boolean): Promise<Scope> {
  // Temp tables have no statistics until analysed; the joins over the scope need them.
  await sql`analyze resolve_scope`.execute(trx)
  const { rows } = await sql<{ size: number }>`select count(*)::int as size from resolve_scope`.execute(trx)
  return { size: rows[0]?.size ?? 0, whole }
}

/** Every blocking key of the kind that more than `maxBlock` records hold, counted at once. */
async function noteEveryBigBlock(trx: Transaction<DB>, kind: ResolvedKind, maxBlock: number): Promise<void> {
  await sql`delete from resolve_big_blocks`.execute(trx)
  await sql`insert into resolve_big_blocks (kind, value)
    select kind, value from resolution_keys where entity_kind = ${kind} and role = 'blocking'
    group by kind, value having count(*) > ${maxBlock}`.execute(trx)
}

async function countKeyed(trx: Transaction<DB>, kind: ResolvedKind): Promise<number> {
  const { rows } = await sql<{ total: number }>`
    select count(distinct source_record_id)::int as total from resolution_keys where entity_kind = ${kind}`.execute(trx)
  return rows[0]?.total ?? 0
}

/**
 * Records the blocking keys of the records added in `round` that more than `maxBlock` records hold:
 * each counted through the index, and only up to maxBlock + 1, so a pass over a few records never
 * counts every block of the kind.
 */
async function noteBigBlocks(trx: Transaction<DB>, kind: ResolvedKind, maxBlock: number, round: number): Promise<void> {
  await sql`insert into resolve_big_blocks (kind, value)
    select f.kind, f.value from (
      select distinct k.kind, k.value from resolve_scope s
      join resolution_keys k on k.source_record_id = s.source_record_id and k.entity_kind = ${kind} and k.role = 'blocking'
      where s.round = ${round}) f
    where (select count(*) from (
      select 1 from resolution_keys h where h.entity_kind = ${kind} and h.kind = f.kind and h.value = f.value limit ${maxBlock + 1}) held) > ${maxBlock}
    on conflict do nothing`.execute(trx)
}

/** Adds the neighbours of the records added in `round`; returns how many were new. */
async function expandScope(trx: Transaction<DB>, kind: ResolvedKind, round: number): Promise<number> {
  const { rows } = await sql<{ added: number }>`
    with frontier as (select source_record_id from resolve_scope where round = ${round}),
    neighbours as (
      select k2.source_record_id from frontier f
      join resolution_keys k1 on k1.source_record_id = f.source_record_id and k1.entity_kind = ${kind} and not k1.is_generic and k1.role <> 'context'
      join resolution_keys k2 on k2.entity_kind = k1.entity_kind and k2.kind = k1.kind and k2.value = k1.value
      where not exists (select 1 from resolve_big_blocks b where b.kind = k1.kind and b.value = k1.value)
      union
      select m2.source_record_id from frontier f
      join entity_members m1 on m1.source_record_id = f.source_record_id and m1.entity_kind = ${kind}
      join entity_members m2 on m2.entity_id = m1.entity_id and m2.entity_kind = ${kind}
      union
      select o.other_record_id from frontier f join match_overrides o on o.source_record_id = f.source_record_id
      where o.entity_kind = ${kind} and o.action = 'link'
      union
      select o.source_record_id from frontier f join match_overrides o on o.other_record_id = f.source_record_id
      where o.entity_kind = ${kind} and o.action = 'link'
    ),
    added as (
      insert into resolve_scope (source_record_id, round) select source_record_id, ${round + 1} from neighbours
      on conflict do nothing returning 1)
    select count(*)::int as added from added`.execute(trx)
  return rows[0]?.added ?? 0
}

export interface Components {
  /** source_records.id of each scope record, by dense index (ascending ids). */
  ids: Float64Array
  /** 1 for the scope's seeds (round 0), by dense index. */
  seeds: Uint8Array
  /** Dense indexes grouped by component: component c is order[starts[c] .. starts[c + 1]). */
  order: Int32Array
  starts: Int32Array
}

/** Splits the scope into components: records joined by a usable key, a shared entity or a link override. */
export async function findComponents(trx: Transaction<DB>, kind: ResolvedKind): Promise<Components> {
  await sql`drop table if exists resolve_dense`.execute(trx)
  await sql`create temp table resolve_dense on commit drop as
    select source_record_id, round = 0 as seed, (row_number() over (order by source_record_id) - 1)::int as dense from resolve_scope`.execute(trx)
  await sql`create index on resolve_dense (source_record_id)`.execute(trx)
  await sql`create index on resolve_dense (dense)`.execute(trx)
  await sql`analyze resolve_dense`.execute(trx)
  const { rows: counted } = await sql<{ size: number }>`select count(*)::int as size from resolve_dense`.execute(trx)
  const ids = new Float64Array(counted[0]?.size ?? 0)
  const seeds = new Uint8Array(ids.length)
  for (let from = 0; from < ids.length; from += STREAM_PAGE) {
    const { rows } = await sql<{ dense: number; id: number; seed: boolean }>`
      select dense, source_record_id as id, seed from resolve_dense where dense >= ${from} and dense < ${from + STREAM_PAGE}`.execute(trx)
    for (const row of rows) {
      ids[row.dense] = row.id
      if (row.seed) seeds[row.dense] = 1
    }
  }
  const parent = new Int32Array(ids.length)
  for (let index = 0; index < parent.length; index++) parent[index] = index
  const find = (index: number): number => {
    let root = index
    while (parent[root] !== root) root = parent[root]!
    while (parent[index] !== root) {
      const next = parent[index]!
      parent[index] = root
      index = next
    }
    return root
  }

  // Every group that joins records — a usable key, an entity they belonged to, a link override —
  // streamed in group order through a cursor; each group's records join its first. Groups are sorted
  // by a 64-bit hash of their value, seeded by their kind: the text, sorted by collation, took 8 s at
  // a million people, and the hash as text 7 s. Two groups sharing a hash (or, read as a number, its
  // nearest double) would only join their components, resolved together then: the same result.
  await sql`declare resolve_groups no scroll cursor for
    select hashtextextended(k.value, hashtext(k.kind)) as g, d.dense
    from resolution_keys k join resolve_dense d on d.source_record_id = k.source_record_id
    where k.entity_kind = ${kind} and not k.is_generic and k.role <> 'context'
      and not exists (select 1 from resolve_big_blocks b where b.kind = k.kind and b.value = k.value)
    union all
    select hashtextextended(m.entity_id::text, hashtext('entity')), d.dense
    from entity_members m join resolve_dense d on d.source_record_id = m.source_record_id
    where m.entity_kind = ${kind}
    union all
    select hashtextextended(o.id::text, hashtext('override')), d.dense
    from match_overrides o join resolve_dense d on d.source_record_id in (o.source_record_id, o.other_record_id)
    where o.entity_kind = ${kind} and o.action = 'link'
    order by 1`.execute(trx)
  let group: number | undefined
  let first = -1
  // The sort runs in memory, not in files (the server's default work_mem is 4 MB).
  await withSettings(trx, { work_mem: '256MB' }, async () => {
    for (;;) {
      const { rows } = await sql<{ g: number; dense: number }>`fetch forward 20000 from resolve_groups`.execute(trx)
      for (const row of rows) {
        if (row.g !== group) {
          group = row.g
          first = row.dense
          continue
        }
        const rootA = find(first)
        const rootB = find(row.dense)
        if (rootA !== rootB) parent[Math.max(rootA, rootB)] = Math.min(rootA, rootB)
      }
      if (rows.length === 0) break
    }
  })
  await sql`close resolve_groups`.execute(trx)

  // Group dense indexes by root (counting sort): components in order of their smallest member.
  const roots = new Int32Array(ids.length)
  const sizes = new Int32Array(ids.length)
  for (let index = 0; index < ids.length; index++) {
    roots[index] = find(index)
    sizes[roots[index]!]!++
  }
  const fill = new Int32Array(ids.length)
  const startsList: number[] = []
  let next = 0
  for (let index = 0; index < ids.length; index++) {
    if (sizes[index]! > 0) {
      fill[index] = next
      startsList.push(next)
      next += sizes[index]!
    }
  }
  startsList.push(next)
  const order = new Int32Array(ids.length)
  for (let index = 0; index < ids.length; index++) order[fill[roots[index]!]!++] = index
  return { ids, seeds, order, starts: Int32Array.from(startsList) }
}

/**
 * The components that hold a seed, of a whole scope (Scope.whole): what the closed scope would have
 * been. resolve_scope is cut down to their records. Dense indexes keep their meaning.
 */
export async function keepSeededComponents(trx: Transaction<DB>, components: Components): Promise<Components> {
  const { ids, seeds, order, starts } = components
  const kept: number[] = []
  const keptStarts = [0]
  for (let c = 0; c < starts.length - 1; c++) {
    const members = order.subarray(starts[c], starts[c + 1])
    if (!members.some((dense) => seeds[dense] === 1)) continue
    for (const dense of members) kept.push(dense)
    keptStarts.push(kept.length)
  }
  if (kept.length === order.length) return components
  await sql`drop table if exists resolve_kept`.execute(trx)
  await sql`create temp table resolve_kept (dense integer primary key) on commit drop`.execute(trx)
  for (let from = 0; from < kept.length; from += STREAM_PAGE * 5) {
    await sql`insert into resolve_kept select unnest(${kept.slice(from, from + STREAM_PAGE * 5)}::integer[])`.execute(trx)
  }
  await sql`delete from resolve_scope s where not exists (
    select 1 from resolve_dense d join resolve_kept k on k.dense = d.dense where d.source_record_id = s.source_record_id)`.execute(trx)
  await sql`analyze resolve_scope`.execute(trx)
  return { ids, seeds, order: Int32Array.from(kept), starts: Int32Array.from(keptStarts) }
}
