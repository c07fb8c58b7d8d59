/**
 * Human overrides: `link` (these are one entity) and `unlink` (this record stands apart). Stored as
 * records of match_overrides, which every later resolution applies before the model, and the records
 * are queued so the next pass re-resolves them.
 */
import { sql, type Kysely } from 'kysely'
import { CgError } from '../errors.ts'
import type { DB, ResolvedKind } from '../schema/database.ts'
import type { Subject } from './find-subject.ts'

export interface OverrideRequest {
  action: 'link' | 'unlink'
  subject: Subject
  /** For link: what the subject is the same as. */
  other?: Subject
  kind?: ResolvedKind
  note?: string
}

export interface RecordedOverride {
  id: number
  action: 'link' | 'unlink'
  kind: ResolvedKind
  record: string
  other: string | null
}

export async function recordOverride(db: Kysely<DB>, request: OverrideRequest): Promise<RecordedOverride> {
  const first = await resolveTarget(db, request.subject, request.kind, 'first')
  const second = request.other ? await resolveTarget(db, request.other, request.kind ?? first.kind, 'second') : undefined
  if (second && second.kind !== first.kind) {
    throw new CgError('E_USAGE', `cannot link a ${first.kind} (${first.ref}) with a ${second.kind} (${second.ref})`, { location: { parameter: 'second' } })
  }
  if (second && second.recordId === first.recordId) throw new CgError('E_USAGE', `${first.ref} is the same record twice`, { location: { parameter: 'second' } })
  return db.transaction().execute(async (trx) => {
    // Deciding the same thing again changes nothing: the standing decision is returned.
    const standing = await latestOverride(trx, first.kind, first.recordId, second?.recordId ?? null)
    if (standing && standing.action === request.action) {
      return { id: standing.id, action: request.action, kind: first.kind, record: first.ref, other: second?.ref ?? null }
    }
    const row = await trx
      .insertInto('match_overrides')
      .values({ entity_kind: first.kind, action: request.action, source_record_id: first.recordId, other_record_id: second?.recordId ?? null, note: request.note ?? null })
      .returning('id')
      .executeTakeFirstOrThrow()
    const queued = JSON.stringify([first.recordId, ...(second ? [second.recordId] : [])])
    await sql`insert into resolution_pending (source_record_id)
      select value::bigint from jsonb_array_elements_text(${queued}::jsonb)
      on conflict (source_record_id) do update set identity_changed = true`.execute(trx)
    return { id: row.id, action: request.action, kind: first.kind, record: first.ref, other: second?.ref ?? null }
  })
}

/**
 * The latest override touching the record (or either record of the pair) when it decided exactly
 * this again; a later decision about either record (an unlink after a link) makes a repeat count.
 */
async function latestOverride(db: Kysely<DB>, kind: ResolvedKind, recordId: number, otherId: number | null) {
  const { rows } = await sql<{ id: number; action: 'link' | 'unlink'; source_record_id: number; other_record_id: number | null }>`
    select id, action, source_record_id, other_record_id from match_overrides
    where entity_kind = ${kind} and (source_record_id in (${recordId}, ${otherId ?? recordId}) or other_record_id in (${recordId}, ${otherId ?? recordId}))
    order by id desc limit 1`.execute(db)
  const latest = rows[0]
  if (!latest) return undefined
  const same =
    otherId === null
      ? latest.source_record_id === recordId && latest.other_record_id === null
      : (latest.source_record_id === recordId && latest.other_record_id === otherId) || (latest.source_record_id === otherId && latest.other_record_id === recordId)
  return same ? latest : undefined
}

interface Target {
  recordId: number
  ref: string
  kind: ResolvedKind
}

/** The record an override is about: the record itself, or an entity's first record. */
async function resolveTarget(db: Kysely<DB>, subject: Subject, kind: ResolvedKind | undefined, parameter: string): Promise<Target> {
  if (subject.type === 'entity') {
    if (subject.kind === 'conversation') throw new CgError('E_USAGE', `entity ${subject.entityId} is a conversation; only people and organisations are resolved`, { location: { parameter } })
    const { rows } = await sql<{ id: number; ref: string }>`
      select s.id, s.system || ':' || s.object_type || ':' || s.source_id as ref
      from entity_members m join source_records s on s.id = m.source_record_id
      where m.entity_id = ${subject.entityId} order by s.system, s.object_type, s.source_id limit 1`.execute(db)
    const row = rows[0]
    if (!row) throw new CgError('E_NOT_FOUND', `entity ${subject.entityId} has no records`, { location: { parameter } })
    return { recordId: row.id, ref: row.ref, kind: subject.kind }
  }
  const { rows } = await sql<{ entity_kind: ResolvedKind }>`
    select entity_kind from entity_members where source_record_id = ${subject.recordId}
    union select entity_kind from resolution_keys where source_record_id = ${subject.recordId}`.execute(db)
  const kinds = rows.map((row) => row.entity_kind).filter((entityKind) => kind === undefined || entityKind === kind)
  if (kinds.length === 0) {
    throw new CgError('E_NOT_FOUND', `${subject.ref} describes no ${kind ?? 'person or organisation'} (run customer-graph resolve first if it was just imported)`, {
      location: { parameter },
    })
  }
  if (kinds.length > 1) throw new CgError('E_AMBIGUOUS', `${subject.ref} describes a person and an organisation; say which with --kind`, { location: { parameter } })
  return { recordId: subject.recordId, ref: subject.ref, kind: kinds[0]! }
}
