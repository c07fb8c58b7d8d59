/**
 * Erasure (GDPR Art. 17): removes a person from every table in one transaction, holding every
 * connection's lock so that no import or sync lands meanwhile.
 * - Their member records go, and with them (by foreign key) their canonical records, keys, claims,
 *   memberships, edges and activities; then their entity and the ids merged into it.
 * - Every other row that names them is scrubbed (scrub-plan.ts): each identifier becomes ERASED, and
 *   in a row about them (it holds an identifier, or its record does) so do their names and phones.
 *   Keys and activity participants that are their identifiers are deleted, cursors holding one are
 *   cleared, tokens whose subject is theirs are revoked.
 * - Salted hashes of what they were known by are kept (suppression.ts), and the receipt (counts per
 *   table, no personal data) is stored in erasures.
 * The records that were scrubbed are queued for resolution, which the caller runs next.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Deps } from '../deps.ts'
import { scrubbedColumn, knownTable } from '../db/trusted-sql.ts'
import { countTableRows, type TableCounts } from '../db/table-counts.ts'
import { withEveryConnectionLocked } from '../pipeline/connection-run.ts'
import type { DB } from '../schema/database.ts'
import { findPerson, readPersonTrace, suppressionEntries, type PersonTrace } from './person-trace.ts'
import { SCRUB_PLAN, type ScrubTarget } from './scrub-plan.ts'
import { ERASED } from './suppression.ts'

export interface ErasureReceipt {
  erasureId: number
  entityId: string
  /** The person's own records, deleted. */
  records: number
  /** Rows deleted per table (the person's, and what hung on them). */
  deleted: Partial<Record<keyof TableCounts | 'import_seen', number>>
  /** Rows per table in which their traces were replaced with ERASED. */
  scrubbed: Partial<Record<string, number>>
  cursorsCleared: number
  tokensRevoked: number
  /** Hashes kept so no later import or sync re-creates them. */
  suppression: { record: number; identifier: number; context: number }
}

export async function erasePerson(deps: Deps, subject: string): Promise<ErasureReceipt> {
  return withEveryConnectionLocked(deps, (db) =>
    db.transaction().execute(async (trx) => {
      // The resolution pass's lock too: it alone writes members and edges, under this lock.
      await sql`select pg_advisory_xact_lock(hashtext('customer-graph:resolution'))`.execute(trx)
      const entityId = await findPerson(trx, subject)
      const trace = await readPersonTrace(trx, entityId)
      return eraseTrace(trx, trace, deps.clock.now())
    }),
  )
}

async function eraseTrace(trx: Kysely<DB>, trace: PersonTrace, now: Date): Promise<ErasureReceipt> {
  const identifierPattern = literalPattern(trace.identifiers)
  const everyPattern = literalPattern([...trace.identifiers, ...trace.names, ...trace.phones])
  const before = await countTableRows(trx)

  // Found before anything is deleted: what names them outside their own records.
  const naming = await sql<{ id: number }>`
    select id from source_records
    where not (id = any(${trace.recordIds}::bigint[]))
      and (payload::text ~* ${identifierPattern} or provenance::text ~* ${identifierPattern}
        or coalesce(deletion_evidence::text, '') ~* ${identifierPattern} or coalesce(normalize_issues::text, '') ~* ${identifierPattern})`.execute(trx)
  const namingIds = naming.rows.map((row) => row.id)

  const refs = trace.recordRefs.map((ref) => {
    const [system, objectType, ...rest] = ref.split(':')
    return { system, object_type: objectType, source_id: rest.join(':') }
  })
  await sql`delete from activity_participants p
    using jsonb_to_recordset(${JSON.stringify(refs)}::jsonb) as r(system text, object_type text, source_id text)
    where p.system = r.system and p.object_type = r.object_type and p.source_id = r.source_id`.execute(trx)
  await sql`delete from activity_participants where source_id ~* ${identifierPattern}`.execute(trx)
  const seen = await sql`delete from import_seen where source_id ~* ${identifierPattern}`.execute(trx)
  // Members and edges are derived data without foreign keys (migration 20261206T0100): removed here.
  await sql`delete from entity_members where source_record_id = any(${trace.recordIds}::bigint[]) or entity_id = any(${trace.entityIds}::uuid[])`.execute(trx)
  await sql`delete from edges where source_record_id = any(${trace.recordIds}::bigint[])
    or from_entity_id = any(${trace.entityIds}::uuid[]) or to_entity_id = any(${trace.entityIds}::uuid[])`.execute(trx)
  await sql`delete from source_records where id = any(${trace.recordIds}::bigint[])`.execute(trx)
  await sql`update entity_members set origin_entity_id = null where origin_entity_id = any(${trace.entityIds}::uuid[])`.execute(trx)
  await sql`delete from entities where id = any(${trace.entityIds}::uuid[])`.execute(trx)
  await sql`update lookup_audit set entity_ids = array(select x from unnest(entity_ids) x where not (x = any(${trace.entityIds}::uuid[])))
    where entity_ids && ${trace.entityIds}::uuid[]`.execute(trx)
  await sql`delete from resolution_keys where value ~* ${identifierPattern}`.execute(trx)
  const cursors = await sql`update sync_state set cursor = null where cursor::text ~* ${identifierPattern}`.execute(trx)
  const tokens = await sql`update api_tokens set subject = null, revoked_at = coalesce(revoked_at, ${now})
    where subject ~* ${identifierPattern}`.execute(trx)

  const scrubbed: ErasureReceipt['scrubbed'] = {}
  for (const target of SCRUB_PLAN) {
    const count = await scrubTarget(trx, target, { identifierPattern, everyPattern, namingIds })
    if (count > 0) scrubbed[target.table] = count
  }
  await sql`insert into resolution_pending (source_record_id)
    select id from source_records where id = any(${namingIds}::bigint[])
    on conflict (source_record_id) do update set identity_changed = true`.execute(trx)

  const after = await countTableRows(trx)
  const deleted: ErasureReceipt['deleted'] = {}
  for (const table of Object.keys(before) as (keyof TableCounts)[]) {
    const gone = before[table] - after[table]
    if (gone > 0) deleted[table] = gone
  }
  const seenGone = Number(seen.numAffectedRows ?? 0)
  if (seenGone > 0) deleted.import_seen = seenGone

  const entries = suppressionEntries(trace)
  const suppression = { record: 0, identifier: 0, context: 0 }
  for (const entry of entries) suppression[entry.kind]++
  const receipt: Omit<ErasureReceipt, 'erasureId'> = {
    entityId: trace.entityIds[0]!,
    records: trace.recordIds.length,
    deleted,
    scrubbed,
    cursorsCleared: Number(cursors.numAffectedRows ?? 0),
    tokensRevoked: Number(tokens.numAffectedRows ?? 0),
    suppression,
  }
  // The entity id the receipt names is a trace too: the erasures table keeps the counts only.
  const kept: Partial<typeof receipt> = { ...receipt }
  delete kept.entityId
  const erasure = await trx.insertInto('erasures').values({ erased_at: now, receipt: JSON.stringify(kept) }).returning('id').executeTakeFirstOrThrow()
  if (entries.length > 0) {
    await sql`insert into suppressions (hash, kind, erasure_id)
      select e.hash, e.kind, ${erasure.id} from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as e(hash text, kind text)
      on conflict do nothing`.execute(trx)
  }
  return { erasureId: erasure.id, ...receipt }
}

/** Rows of one table that are about the person get every trace replaced; returns how many changed. */
async function scrubTarget(trx: Kysely<DB>, target: ScrubTarget, patterns: { identifierPattern: string; everyPattern: string; namingIds: number[] }): Promise<number> {
  const { table } = knownTable(target.table)
  const columns = target.columns.map((column) => ({ ...column, ref: scrubbedColumn(target.table, column.name, SCRUB_PLAN) }))
  const asText = (ref: RawBuilder<unknown>) => sql`coalesce(${ref}::text, '')`
  const holds = (pattern: string) => sql.join(columns.map((column) => sql`${asText(column.ref)} ~* ${pattern}`), sql` or `)
  const about = aboutThem(target, patterns.namingIds, holds(patterns.identifierPattern))
  const sets = columns.map((column) => {
    const replaced = sql`regexp_replace(${column.ref}::text, ${patterns.everyPattern}, ${ERASED}, 'gi')`
    return sql`${column.ref} = ${column.type === 'jsonb' ? sql`${replaced}::jsonb` : replaced}`
  })
  const result = await sql<{ one: number }>`update ${table} set ${sql.join(sets)}
    where (${about}) and (${holds(patterns.everyPattern)}) returning 1 as one`.execute(trx)
  return result.rows.length
}

function aboutThem(target: ScrubTarget, namingIds: number[], holdsIdentifier: RawBuilder<unknown>): RawBuilder<unknown> {
  if (target.link === 'none') return holdsIdentifier
  if (target.link === 'member') {
    return sql`${holdsIdentifier} or id in (select entity_id from entity_members where source_record_id = any(${namingIds}::bigint[]))`
  }
  const link = scrubbedLinkColumn(target)
  return sql`${holdsIdentifier} or ${link} = any(${namingIds}::bigint[])`
}

function scrubbedLinkColumn(target: ScrubTarget): RawBuilder<unknown> {
  if (target.link === 'none' || target.link === 'member') throw new Error(`${target.table} has no record column`)
  return target.link.column === 'id' ? sql`id` : sql`source_record_id`
}

/**
 * One case-insensitive PostgreSQL regular expression matching any of the values as a whole token:
 * not inside a longer run of letters and digits (an id inside a longer id is another id). Spacing
 * inside a value may vary.
 */
function literalPattern(values: string[]): string {
  const alternatives = [...new Set(values)]
    .filter((value) => value.trim() !== '')
    .sort((a, b) => b.length - a.length)
    .map((value) => value.trim().replace(/[\\^$.|?*+()[\]{}]/g, '\\$&').replace(/\s+/g, '\\s+'))
  if (alternatives.length === 0) throw new Error('no value to match')
  return `(?<![[:alnum:]])(?:${alternatives.join('|')})(?![[:alnum:]])`
}
