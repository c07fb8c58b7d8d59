/**
 * One resolution pass: takes every queued record (new, changed or deleted since the last pass),
 * refreshes their keys, and re-resolves the closed scope around those whose identity changed (what
 * resolution reads of them: see identity-signature.ts), organisations first, then people — in
 * batches of whole components (resolve-batch.ts), with stable entity ids — and rebuilds the edges
 * that the queued records state or that touch a record whose entity the pass changed. One
 * transaction: a crash leaves the queue as it was, and the next pass redoes the work. One pass at a
 * time, across processes.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Deps } from '../deps.ts'
import type { DB, ResolvedKind } from '../schema/database.ts'
import { organizationStrategy } from './organization-strategy.ts'
import { createPersonStrategy, personOrganizationHints, personStrategy } from './person-strategy.ts'
import { readBatch, resolveBatch, type KindStrategy } from './resolve-batch.ts'
import type { OrganizationRecord, PersonRecord } from './resolvable.ts'
import { refreshKeys } from './store/refresh-keys.ts'
import { stageResolvables, type RecordSource } from './store/load-resolvables.ts'
import { buildGraph, type GraphReport } from './store/build-graph.ts'
import { buildOrganizationTokens, loadOrganizationContext } from './store/load-organization-context.ts'
import { buildScope, collectDependents, findComponents, keepSeededComponents } from './store/resolution-scope.ts'
import { StatementPipeline } from './store/statement-pipeline.ts'
import { removeEmptyEntities, writeBatch } from './store/write-entities.ts'
import { touchedRecords } from './touched-records.ts'

export interface KindReport {
  /** Records looked at: the queued ones and the closed scope around them. */
  scope: number
  components: number
  /** Records in the largest component (all of it is resolved in memory at once). */
  largestComponent: number
  entities: { created: number; kept: number; redirected: number; removed: number }
  /** Members by the rule that linked them (seed = first record of an entity). */
  rules: Record<string, number>
  refusals: Record<string, number>
  /** Milliseconds per stage: closing the scope, finding components, loading, resolving, writing. */
  timings: { scope: number; components: number; load: number; resolve: number; write: number }
}

export interface ResolutionReport {
  /** Queued records taken by this pass. */
  queued: number
  /** Of those, records changed only in what resolution does not read: their edges were rebuilt, nothing re-resolved. */
  identityUnchanged: number
  /** Whether people were read from a copy of the records staged at the start (a large pass on a server: see stageFrom). */
  stagedReads: boolean
  /** Milliseconds spent refreshing the queued records' keys. */
  keysMs: number
  person: KindReport
  organization: KindReport
  /** Conversation entities and the edges rebuilt between entities. */
  graph: GraphReport
  durationMs: number
}

export interface ResolutionProgress {
  stage: 'keys' | ResolvedKind
  done: number
  total: number
}

/** Queued records from which a pass refreshes the planner's statistics of the tables it fills. */
const LARGE_PASS = 10_000

/** Records per batch of components written together (a larger component is a batch of its own). */
const BATCH_RECORDS = 5000
/**
 * Batches read ahead. A person batch's organisation context is looked up on the pass's connection
 * once its records are read, so it queues behind the writes issued before: read two ahead, it is
 * there by the time the batch is resolved.
 */
const READ_AHEAD = 2
/** Statements in flight at once: the reads ahead and the writes of the two batches before. */
const PIPELINE_DEPTH = READ_AHEAD + 2
/** Queued records from which a pass with a reader connection stages the records it reads (see stageFrom). */
const STAGE_FROM = 50_000

export interface ResolutionOptions {
  /** Re-key and re-resolve every record, not just the queued ones: after an upgrade that changes how keys are normalised. */
  rekey?: boolean
  /**
   * Read each batch on another connection of `deps.db`, outside the pass's transaction, so that the
   * server reads the next batch on one core while the pass's connection writes on the other. Only
   * with a connection pool (a server database): the embedded database has a single connection.
   * What is read is the same: the pass writes no record it reads, and no batch reads another's.
   */
  concurrentReads?: boolean
  /** A scope growing past this many records takes every record and keeps the components with a seed (see resolution-scope.ts). */
  wholeScopeAbove?: number
  /**
   * With concurrentReads, queued records from which the pass stages every keyed record on its reader
   * connection while it keys and resolves organisations, and reads people from there (see
   * load-resolvables.ts); a pass re-keying everything always does.
   */
  stageFrom?: number
  /** Links from which the graph is rebuilt in bulk, with an empty edges table's indexes built after it is filled (see build-graph.ts). */
  bulkGraphFrom?: number
  onProgress?: (progress: ResolutionProgress) => void
}

export async function runResolution(deps: Deps, options: ResolutionOptions = {}): Promise<ResolutionReport> {
  const rekey = options.rekey ?? false
  const started = deps.clock.now()
  // A large pass reads what a large import just wrote, and fills tables, while their statistics may
  // still describe them as they were (empty, on a first run): without fresh ones the planner probes
  // row by row through millions of rows (a 5,000-record read took 80 s instead of 0.1 s). Analysed
  // before the pass's transaction, so that a reader on another connection plans with them too.
  const { rows: pending } = await sql<{ records: number }>`select count(*)::int as records from resolution_pending`.execute(deps.db)
  const large = (pending[0]?.records ?? 0) >= LARGE_PASS || rekey
  const concurrent = options.concurrentReads === true
  const staged = concurrent && ((pending[0]?.records ?? 0) >= (options.stageFrom ?? STAGE_FROM) || rekey)
  if (large) await sql`analyze source_records, canonical_records, resolution_keys`.execute(deps.db)
  return deps.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('customer-graph:resolution'))`.execute(trx)
    // The pass's large statements run once each: compiling them with JIT (on by default on a server)
    // cost more than it saved, 0.8 s for the edge insert alone at a million records.
    await sql`select set_config('jit', 'off', true)`.execute(trx)
    await sql`drop table if exists resolve_queue`.execute(trx)
    // identity_changed: false when resolution reads the record as before (see identity-signature.ts):
    // it seeds no scope, and only its edges are rebuilt.
    await sql`create temp table resolve_queue (source_record_id bigint primary key, identity_changed boolean not null) on commit drop`.execute(trx)
    await sql`drop table if exists resolve_touched`.execute(trx)
    await sql`create temp table resolve_touched (source_record_id bigint primary key) on commit drop`.execute(trx)
    const { rows } = await sql<{ queued: number; unchanged: number }>`
      with taken as (delete from resolution_pending returning source_record_id, identity_changed),
      queued as (insert into resolve_queue select source_record_id, identity_changed from taken returning identity_changed)
      select count(*)::int as queued, count(*) filter (where not identity_changed)::int as unchanged from queued`.execute(trx)
    const queued = rows[0]?.queued ?? 0
    const identityUnchanged = rows[0]?.unchanged ?? 0
    // The reader: a transaction of the pool's, begun now that the queue is taken (what it stages is
    // no older than what was queued), that stages the records while the pass keys and resolves
    // organisations; or the pool's connections as they come; or the pass's own.
    const reader = staged ? await deps.db.startTransaction().execute() : undefined
    try {
      const staging = reader ? stageResolvables(reader) : undefined
      staging?.catch(() => undefined) // awaited before people are read
      const report = await resolveTaken(deps, trx, { ...options, rekey, large, queued, identityUnchanged, started }, {
        // Organisations are few: read from the store on the pass's connection, the reader being busy staging.
        of: (kind) => (kind === 'person' && reader && staging ? { reader, from: 'staged', ready: staging } : { reader: reader ? trx : concurrent ? deps.db : trx, from: 'store' }),
        release: async () => {
          await reader?.commit().execute()
        },
      })
      return { ...report, stagedReads: staged }
    } catch (error) {
      await reader?.rollback().execute().catch(() => undefined)
      throw error
    }
  })
}

interface TakenQueue {
  rekey: boolean
  large: boolean
  queued: number
  identityUnchanged: number
  started: Date
}

/**
 * Where a kind's batches are read: a connection, whether from the store or the staged records, and
 * when the staged records are there.
 */
interface BatchReader {
  reader: Kysely<DB>
  from: RecordSource
  ready?: Promise<void>
}

/** The pass once its queue is taken: keys, organisations, people, the graph. */
async function resolveTaken(deps: Deps, trx: Transaction<DB>, options: ResolutionOptions & TakenQueue, readers: { of: (kind: ResolvedKind) => BatchReader; release: () => Promise<void> }): Promise<Omit<ResolutionReport, 'stagedReads'>> {
  const { rekey, large, queued, identityUnchanged, started } = options
  if (rekey) {
    await sql`insert into resolve_queue select distinct source_record_id, true from canonical_records
      where kind in ('person', 'organization') on conflict (source_record_id) do update set identity_changed = true`.execute(trx)
  }
  await sql`analyze resolve_queue`.execute(trx)
  const keysStarted = performance.now()
  await refreshKeys(trx, { all: rekey }, (done, total) => options.onProgress?.({ stage: 'keys', done, total }))
  const keysMs = Math.round(performance.now() - keysStarted)
  if (large) await sql`analyze resolution_keys`.execute(trx)
  const now = deps.clock.now()
  const firstPass = await everyRecordQueued(trx, queued - identityUnchanged)
  await collectDependents(trx, { organizationsResolved: false, firstPass })
  const organizations: KindStrategy<OrganizationRecord, unknown> = { maxBlock: organizationStrategy.maxBlock, forBatch: () => Promise.resolve(organizationStrategy) }
  const organization = await resolveKind(trx, readers.of('organization'), 'organization', organizations, now, { ...options, firstPass })
  await collectDependents(trx, { organizationsResolved: organization.scope > 0, firstPass })
  await buildOrganizationTokens(trx)
  // Looked up in the pass's transaction, which alone sees the organisation entities it gave.
  const people: KindStrategy<PersonRecord, unknown> = {
    maxBlock: personStrategy.maxBlock,
    forBatch: async (records) => {
      const hints = new Set(records.flatMap((record) => personOrganizationHints(record.data as PersonRecord)))
      return createPersonStrategy(await loadOrganizationContext(trx, hints))
    },
  }
  const person = await resolveKind(trx, readers.of('person'), 'person', people, now, { ...options, firstPass })
  await readers.release()
  if (large) await sql`analyze entities, entity_members`.execute(trx)
  const graph = await buildGraph(trx, now, { firstPass, ...(options.bulkGraphFrom === undefined ? {} : { bulkFrom: options.bulkGraphFrom }) })
  await mergeNamePendingList(trx)
  // The lookup reads these next; autovacuum may take minutes to give them statistics.
  if (large) await sql`analyze edges, activities, activity_participants`.execute(trx)
  return { queued, identityUnchanged, keysMs, organization, person, graph, durationMs: deps.clock.now().getTime() - started.getTime() }
}

async function noteTouched(trx: Transaction<DB>, touched: readonly number[]): Promise<void> {
  if (touched.length > 0) await sql`insert into resolve_touched select unnest(${[...touched]}::bigint[]) on conflict do nothing`.execute(trx)
}

/**
 * Entity names go into the trigram index's pending list, which is fast to fill but scanned linearly by
 * every fuzzy lookup (it made the planner scan every entity): merged into the index before the pass
 * commits, so a lookup after the pass finds it empty. Only the index's owner may merge it; a pass run
 * by another role leaves that to autovacuum.
 */
async function mergeNamePendingList(trx: Transaction<DB>): Promise<void> {
  await sql`select gin_clean_pending_list(c.oid) from pg_class c
    where c.oid = 'entities_display_name_trgm_idx'::regclass and pg_has_role(c.relowner, 'USAGE')`.execute(trx)
}

/**
 * Whether this pass re-resolves every record landed (the first pass after an import of everything, or
 * over a database that was never resolved): then no record outside the scope can depend on what the
 * pass changes, and the searches for such records are skipped (they would find only queued ones).
 * `queued`: the queued records whose identity changed (the others seed no scope).
 */
async function everyRecordQueued(trx: Transaction<DB>, queued: number): Promise<boolean> {
  if (queued === 0) return false
  const { rows } = await sql<{ records: number }>`select count(*)::int as records from source_records`.execute(trx)
  return rows[0]?.records === queued
}

async function resolveKind<Data, Features>(
  trx: Transaction<DB>,
  /** Where batches are read: the pass's transaction or another connection (see concurrentReads), from the store or the staged records. */
  { reader, from, ready }: BatchReader,
  kind: ResolvedKind,
  strategy: KindStrategy<Data, Features>,
  now: Date,
  options: Pick<ResolutionOptions, 'onProgress' | 'wholeScopeAbove'> & { firstPass: boolean },
): Promise<KindReport> {
  const { onProgress, wholeScopeAbove, firstPass } = options
  const report: KindReport = {
    scope: 0,
    components: 0,
    largestComponent: 0,
    entities: { created: 0, kept: 0, redirected: 0, removed: 0 },
    rules: {},
    refusals: {},
    timings: { scope: 0, components: 0, load: 0, resolve: 0, write: 0 },
  }
  const { timings } = report
  let mark = performance.now()
  const lap = (stage: keyof KindReport['timings']) => {
    const now = performance.now()
    timings[stage] += Math.round(now - mark)
    mark = now
  }
  const scope = await buildScope(trx, { kind, maxBlock: strategy.maxBlock, everyRecordQueued: firstPass, ...(wholeScopeAbove === undefined ? {} : { wholeAbove: wholeScopeAbove }) })
  lap('scope')
  if (scope.size === 0) return report
  const all = await findComponents(trx, kind)
  const { ids, seeds, order, starts } = scope.whole ? await keepSeededComponents(trx, all) : all
  report.scope = order.length
  lap('components')
  report.components = starts.length - 1
  for (let c = 0; c < report.components; c++) report.largestComponent = Math.max(report.largestComponent, starts[c + 1]! - starts[c]!)
  const { rows: bigBlocks } = await sql<{ kind: string; value: string }>`select kind, value from resolve_big_blocks`.execute(trx)
  const tooCommon = new Set(bigBlocks.map((block) => `${block.kind}\u0000${block.value}`))
  // A kind nothing was resolved into yet (a first pass) has no memberships to read, nor memberships
  // and refusals to replace.
  const { rows: before } = await sql<{ held: boolean; refused: boolean }>`select exists (select 1 from entity_members where entity_kind = ${kind}) as held,
    exists (select 1 from merge_refusals where entity_kind = ${kind}) as refused`.execute(trx)
  const entitiesBefore = before[0]?.held ?? true
  const replace = entitiesBefore || (before[0]?.refused ?? true)
  const seedIds = new Set<number>()
  for (const dense of order) if (seeds[dense] === 1) seedIds.add(ids[dense]!)
  const previousEntities = new Set<string>()

  // Batches of whole components, up to BATCH_RECORDS records (at least one component). Nothing waits
  // for the database that need not: the next batches are read, and the last ones written, while this
  // one is resolved. Components are disjoint, so no batch reads what another writes.
  const batchStarts = [0]
  for (let component = 0; component < starts.length - 1; ) {
    const first = component
    while (component < starts.length - 1 && (component === first || starts[component + 1]! - starts[first]! <= BATCH_RECORDS)) component++
    batchStarts.push(component)
  }
  const batches = batchStarts.length - 1
  const pipeline = new StatementPipeline(PIPELINE_DEPTH)
  const read = (batch: number) => {
    if (batch >= batches) return undefined
    const componentIds: number[][] = []
    for (let c = batchStarts[batch]!; c < batchStarts[batch + 1]!; c++) componentIds.push(Array.from(order.subarray(starts[c], starts[c + 1]), (dense) => ids[dense]!))
    return pipeline.issue(readBatch(reader, kind, strategy, componentIds, { entitiesBefore, from }))
  }
  await ready
  lap('load')
  const reads = Array.from({ length: READ_AHEAD }, (_, batch) => read(batch))
  let done = 0
  try {
    for (let index = 0; index < batches; index++) {
      const batch = (await reads.shift())!
      reads.push(read(index + READ_AHEAD))
      for (const entity of batch.previous.entityOf.values()) previousEntities.add(entity)
      lap('load')
      const { entities, redirects, refusals } = resolveBatch(kind, batch, tooCommon)
      // A first pass rebuilds every record's edges: nothing to note (at a million people, 236 inserts of 4,200 ids).
      const touched = firstPass ? [] : touchedRecords(batch.batchIds, batch.previous.entityOf, entities, seedIds)
      lap('resolve')
      void pipeline.issue(writeBatch(trx, { kind, recordIds: batch.batchIds, replace, entities, redirects, refusals, now }).then(() => noteTouched(trx, touched)))
      await pipeline.wait()
      lap('write')
      for (const entity of entities) {
        if (entity.created) report.entities.created++
        else report.entities.kept++
        for (const member of entity.members) report.rules[member.rule] = (report.rules[member.rule] ?? 0) + 1
      }
      report.entities.redirected += redirects.size
      for (const refusal of refusals) report.refusals[refusal.reason] = (report.refusals[refusal.reason] ?? 0) + 1
      done += batch.batchIds.length
      onProgress?.({ stage: kind, done, total: ids.length })
    }
    await pipeline.drain()
  } catch (error) {
    await pipeline.fail(error)
  }
  report.entities.removed = await removeEmptyEntities(trx, kind, [...previousEntities])
  lap('write')
  return report
}
