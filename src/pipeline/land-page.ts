import { sql, type Transaction } from 'kysely'
import type { NormalizeIssue, RawRecord, RejectedInput, SourceLocation } from '../connectors/types.ts'
import type { CanonicalRecord } from '../schema/canonical.ts'
import { storableJson, storableText } from './storable.ts'
import type { DB, SystemName } from '../schema/database.ts'
import { identitySignature } from '../resolve/identity-signature.ts'
import { keyRecord, type KeyedEntity } from '../resolve/record-keys.ts'
import { replaceKeys } from '../resolve/store/write-keys.ts'

/** A raw record made ready to land: payload sanitised, hashed and normalised. */
export interface PreparedRecord {
  raw: RawRecord<SourceLocation>
  hash: string
  canonical: CanonicalRecord[]
  issues: NormalizeIssue[]
}

export interface PageToLand {
  runId: number
  connectionId: string
  system: SystemName
  records: PreparedRecord[]
  rejects: RejectedInput<SourceLocation>[]
  /**
   * A record read twice in one run. 'reject': an export states each record once, so a second copy is
   * a duplicate id and is rejected (overwriting would make a re-import flap between two versions).
   * 'replace': an API hands a record out again when it changed while being paged (or a page came
   * twice), so the later copy is the newer one and replaces the first.
   */
  repeats: 'reject' | 'replace'
}

export interface PageCounts {
  new: number
  changed: number
  unchanged: number
  rejected: number
  /** Live records this page marked deleted (the source flags them, e.g. IsDeleted). */
  deleted: number
  /**
   * Repeated copies folded into their first copy: read, but not records of their own. An inferred
   * record's later copies, and an API's copies that repeat what this run already landed (a page
   * delivered twice, a copy replaced by a later one in the same page).
   */
  folded: number
}

/** Unchanged records get last_seen_at refreshed at most this often, so re-reads write (almost) nothing. */
export const SEEN_REFRESH_MS = 24 * 60 * 60 * 1000
const RAW_LIMIT = 64 * 1024

/**
 * Lands one page inside the caller's transaction. Set-based: the page travels as JSON parameters and
 * every statement handles all of its rows. Only new and changed records are written; records already
 * read earlier in this run are rejected as duplicates rather than overwriting each other, which would
 * make a re-import flap between two versions (an export), or replace the earlier copy only when they
 * differ from it and are otherwise folded into it, so a page delivered twice counts once (an API).
 */
export interface LandedPage {
  counts: PageCounts
  /** Everything the page rejected: the reader's rejects and the duplicates found here. */
  rejects: RejectedInput<SourceLocation>[]
}

export async function landPage(trx: Transaction<DB>, page: PageToLand, now: Date): Promise<LandedPage> {
  const rejects = [...page.rejects]
  const repeats = { folded: 0 }
  const firstInPage = dropDuplicatesInPage(page.records, page.repeats, rejects, repeats)
  const { records: fresh, seenBefore } = await keepFirstSeenInRun(trx, page.runId, firstInPage, page.repeats, rejects, repeats)

  const existing = await selectExisting(trx, page.connectionId, fresh)
  const toWrite: PreparedRecord[] = []
  const toRefresh: number[] = []
  const counts: PageCounts = { new: 0, changed: 0, unchanged: 0, rejected: 0, deleted: 0, folded: repeats.folded }
  for (const record of fresh) {
    const before = existing.get(keyOf(record.raw))
    const deleted = record.raw.deleted !== undefined
    if (!before) {
      counts.new++
      toWrite.push(record)
    } else if (record.raw.inferred && !before.inferred) {
      counts.unchanged++ // what was read as itself outranks what was pieced together
    } else if (before.content_hash !== record.hash || before.deleted !== deleted || before.inferred !== (record.raw.inferred ?? false)) {
      counts.changed++
      if (deleted && !before.deleted) counts.deleted++
      toWrite.push(record)
    } else if (seenBefore.has(keyOf(record.raw))) {
      // The same copy again in this run (a page delivered twice): counted once, when first read.
      counts.folded++
    } else {
      counts.unchanged++
      if (now.getTime() - before.last_seen_at.getTime() > SEEN_REFRESH_MS) toRefresh.push(before.id)
    }
  }

  const identities = identify(page.system, toWrite)
  const ids = await upsertRecords(trx, page, toWrite, identities, now)
  // Only records that existed before have canonical records and keys to replace.
  const rewritten = [...ids].flatMap(([key, id]) => (existing.has(key) ? [id] : []))
  await replaceCanonicalRecords(trx, toWrite, ids, rewritten)
  await deriveActivities(trx, ids)
  await writeResolutionKeys(trx, identities, ids, rewritten)
  await queueForResolution(trx, ids, (key) => existing.get(key)?.resolution_signature !== identities.get(key)!.signature)
  if (toRefresh.length > 0) {
    await sql`update source_records set last_seen_at = ${now}, last_run_id = ${page.runId}
      where id = any(${toRefresh}::bigint[])`.execute(trx)
  }
  await insertRejects(trx, page, rejects)
  counts.rejected = rejects.length
  return { counts, rejects }
}

export const keyOf = (raw: Pick<RawRecord<SourceLocation>, 'objectType' | 'sourceId'>): string => `${raw.objectType}\u0000${raw.sourceId}`

function duplicateReject(record: PreparedRecord, where: string): RejectedInput<SourceLocation> {
  return {
    code: 'E_DUPLICATE_ID',
    message: `${record.raw.objectType} ${record.raw.sourceId} was already read ${where}; this copy is not imported (one record per id)`,
    location: record.raw.provenance,
    objectType: record.raw.objectType,
    raw: truncate(JSON.stringify(record.raw.payload)),
  }
}

/** A repeated copy: an inferred one is folded into the first copy, any other is rejected. */
function dropRepeat(record: PreparedRecord, rejects: RejectedInput<SourceLocation>[], repeats: { folded: number }): void {
  if (record.raw.inferred) repeats.folded++
  else rejects.push(duplicateReject(record, 'earlier in this input'))
}

function dropDuplicatesInPage(records: PreparedRecord[], policy: PageToLand['repeats'], rejects: RejectedInput<SourceLocation>[], repeats: { folded: number }): PreparedRecord[] {
  const seen = new Map<string, number>()
  const unique: PreparedRecord[] = []
  for (const record of records) {
    const key = keyOf(record.raw)
    const earlier = seen.get(key)
    if (earlier === undefined) {
      seen.set(key, unique.length)
      unique.push(record)
    } else if (policy === 'replace' && !record.raw.inferred) {
      // The later copy is the newer; the one it replaces was read but lands as no record.
      unique[earlier] = record
      repeats.folded++
    } else dropRepeat(record, rejects, repeats)
  }
  return unique
}

async function keepFirstSeenInRun(
  trx: Transaction<DB>,
  runId: number,
  records: PreparedRecord[],
  policy: PageToLand['repeats'],
  rejects: RejectedInput<SourceLocation>[],
  repeats: { folded: number },
): Promise<{ records: PreparedRecord[]; seenBefore: Set<string> }> {
  const seenBefore = new Set<string>()
  if (records.length === 0) return { records: [], seenBefore }
  const keys = records.map((record) => ({ object_type: record.raw.objectType, source_id: record.raw.sourceId }))
  const { rows } = await sql<{ object_type: string; source_id: string }>`
    insert into import_seen (run_id, object_type, source_id)
    select ${runId}, k.object_type, k.source_id
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(object_type text, source_id text)
    on conflict do nothing
    returning object_type, source_id`.execute(trx)
  const firstSeen = new Set(rows.map((row) => keyOf({ objectType: row.object_type, sourceId: row.source_id })))
  const kept = records.filter((record) => {
    const key = keyOf(record.raw)
    if (firstSeen.has(key)) return true
    if (policy === 'replace' && !record.raw.inferred) {
      seenBefore.add(key)
      return true
    }
    dropRepeat(record, rejects, repeats)
    return false
  })
  return { records: kept, seenBefore }
}

interface ExistingRecord {
  id: number
  object_type: string
  source_id: string
  content_hash: string
  deleted: boolean
  inferred: boolean
  last_seen_at: Date
  resolution_signature: string | null
}

/** What resolution reads of a record: its keyed person and organisation, and their signature. */
interface Identity {
  keyed: KeyedEntity[]
  signature: string
}

function identify(system: SystemName, records: PreparedRecord[]): Map<string, Identity> {
  const identities = new Map<string, Identity>()
  for (const record of records) {
    const ref = { system, objectType: record.raw.objectType, sourceId: record.raw.sourceId }
    const keyed = keyRecord(ref, record.canonical, record.raw.deleted !== undefined)
    identities.set(keyOf(record.raw), { keyed, signature: identitySignature(keyed) })
  }
  return identities
}

async function selectExisting(trx: Transaction<DB>, connectionId: string, records: PreparedRecord[]): Promise<Map<string, ExistingRecord>> {
  if (records.length === 0) return new Map()
  const keys = records.map((record) => ({ object_type: record.raw.objectType, source_id: record.raw.sourceId }))
  const { rows } = await sql<ExistingRecord>`
    select s.id, s.object_type, s.source_id, s.content_hash, s.deleted_at is not null as deleted, s.inferred, s.last_seen_at,
      s.resolution_signature
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(object_type text, source_id text)
    join source_records s on s.connection_id = ${connectionId} and s.object_type = k.object_type and s.source_id = k.source_id`.execute(trx)
  return new Map(rows.map((row) => [keyOf({ objectType: row.object_type, sourceId: row.source_id }), row]))
}

async function upsertRecords(trx: Transaction<DB>, page: PageToLand, records: PreparedRecord[], identities: Map<string, Identity>, now: Date): Promise<Map<string, number>> {
  if (records.length === 0) return new Map()
  const rows = records.map(({ raw, hash, issues }) => ({
    object_type: raw.objectType,
    source_id: raw.sourceId,
    payload: raw.payload,
    content_hash: hash,
    source_updated_at: raw.sourceUpdatedAt ?? null,
    provenance: raw.provenance,
    deletion_evidence: raw.deleted ? { reason: raw.deleted.reason, run_id: page.runId } : null,
    normalize_issues: issues.length > 0 ? issues : null,
    inferred: raw.inferred ?? false,
    resolution_signature: identities.get(keyOf(raw))!.signature,
  }))
  // A record deleted earlier keeps its first deletion time and evidence; one that reappears is live again.
  const { rows: landed } = await sql<{ id: number; object_type: string; source_id: string }>`
    insert into source_records (system, object_type, source_id, connection_id, payload, content_hash, source_updated_at,
      first_seen_at, last_seen_at, last_changed_at, first_run_id, last_run_id, provenance, deleted_at, deletion_evidence, normalize_issues, inferred,
      resolution_signature)
    select ${page.system}, r.object_type, r.source_id, ${page.connectionId}, r.payload, r.content_hash, r.source_updated_at,
      ${now}, ${now}, ${now}, ${page.runId}, ${page.runId}, r.provenance,
      case when r.deletion_evidence is null then null else ${now}::timestamptz end, r.deletion_evidence, r.normalize_issues, r.inferred,
      r.resolution_signature
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(object_type text, source_id text, payload jsonb,
      content_hash text, source_updated_at timestamptz, provenance jsonb, deletion_evidence jsonb, normalize_issues jsonb, inferred boolean,
      resolution_signature text)
    on conflict (connection_id, object_type, source_id) do update set
      payload = excluded.payload,
      content_hash = excluded.content_hash,
      source_updated_at = excluded.source_updated_at,
      last_seen_at = excluded.last_seen_at,
      last_changed_at = excluded.last_changed_at,
      last_run_id = excluded.last_run_id,
      provenance = excluded.provenance,
      deleted_at = case when excluded.deleted_at is null then null else coalesce(source_records.deleted_at, excluded.deleted_at) end,
      deletion_evidence = case when excluded.deleted_at is null then null
                               else coalesce(source_records.deletion_evidence, excluded.deletion_evidence) end,
      normalize_issues = excluded.normalize_issues,
      inferred = excluded.inferred,
      resolution_signature = excluded.resolution_signature
    returning id, object_type, source_id`.execute(trx)
  return new Map(landed.map((row) => [keyOf({ objectType: row.object_type, sourceId: row.source_id }), row.id]))
}

/**
 * Replaces the canonical records of every record the upsert wrote (by the ids it returned). The ids
 * go as an array: `in (select … from jsonb_array_elements_text(…))` let the planner guess a hash
 * join over the whole table, and an import of a million records got slower with every page.
 */
/** Messages, meetings, deals, cases and tasks, indexed by the records they name (migration 20261207T0100). */
async function deriveActivities(trx: Transaction<DB>, ids: Map<string, number>): Promise<void> {
  if (ids.size === 0) return
  await sql`select derive_activities(${[...ids.values()]}::bigint[])`.execute(trx)
}

async function replaceCanonicalRecords(trx: Transaction<DB>, records: PreparedRecord[], ids: Map<string, number>, rewritten: number[]): Promise<void> {
  if (ids.size === 0) return
  if (rewritten.length > 0) await sql`delete from canonical_records where source_record_id = any(${rewritten}::bigint[])`.execute(trx)
  const rows = records.flatMap((record) => {
    const id = ids.get(keyOf(record.raw))
    return id === undefined ? [] : record.canonical.map((data, ordinal) => ({ source_record_id: id, ordinal, kind: data.kind, data }))
  })
  if (rows.length === 0) return
  await sql`insert into canonical_records (source_record_id, ordinal, kind, data)
    select c.source_record_id, c.ordinal, c.kind, c.data
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as c(source_record_id bigint, ordinal integer, kind text, data jsonb)`.execute(trx)
}

/** The keys resolution will look the written records up by, computed from the canonical records in hand. */
async function writeResolutionKeys(trx: Transaction<DB>, identities: Map<string, Identity>, ids: Map<string, number>, rewritten: number[]): Promise<void> {
  if (ids.size === 0) return
  const keyed = [...ids].flatMap(([key, id]) => identities.get(key)!.keyed.map((entity) => ({ id, kind: entity.kind, keys: entity.keys })))
  await replaceKeys(trx, rewritten, keyed)
}

/**
 * Written records wait for resolution; queued in the page's transaction, so no hand-off is lost. A
 * record whose identity signature is the one it had only has its edges rebuilt; queued twice, it is
 * re-resolved if either write changed its identity.
 */
async function queueForResolution(trx: Transaction<DB>, ids: Map<string, number>, identityChanged: (key: string) => boolean): Promise<void> {
  if (ids.size === 0) return
  const keys = [...ids.keys()]
  await sql`insert into resolution_pending (source_record_id, identity_changed)
    select * from unnest(${keys.map((key) => ids.get(key)!)}::bigint[], ${keys.map(identityChanged)}::boolean[])
    on conflict (source_record_id) do update set identity_changed = resolution_pending.identity_changed or excluded.identity_changed`.execute(trx)
}

async function insertRejects(trx: Transaction<DB>, page: PageToLand, rejects: RejectedInput<SourceLocation>[]): Promise<void> {
  if (rejects.length === 0) return
  // Rejected input is by nature whatever came in: it passes the same sanitising as landed payloads.
  const rows = rejects.map((reject) =>
    storableJson({
      object_type: reject.objectType ?? null,
      code: reject.code,
      message: reject.message,
      location: reject.location,
      raw: reject.raw === undefined ? null : truncate(reject.raw),
    }),
  )
  await sql`insert into rejected_records (run_id, connection_id, system, object_type, code, message, location, raw)
    select ${page.runId}, ${page.connectionId}, ${page.system}, r.object_type, r.code, r.message, r.location, r.raw
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(object_type text, code text, message text, location jsonb, raw text)`.execute(trx)
}

function truncate(text: string): string {
  return storableText(text.length > RAW_LIMIT ? text.slice(0, RAW_LIMIT) : text)
}
