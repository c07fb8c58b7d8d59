/**
 * Turns what a person types — an entity id, a record reference `system:objectType:sourceId`, or a
 * bare source id — into the entity or record it names. Merged-away entity ids are followed to their
 * survivor.
 */
import { sql, type Kysely } from 'kysely'
import { storedSourceId, toSalesforceId18 } from '../connectors/salesforce/salesforce-id.ts'
import { CgError } from '../errors.ts'
import type { DB, ResolvedKind } from '../schema/database.ts'
import { parseRecordRef } from '../schema/record-ref.ts'

export type Subject =
  | { type: 'entity'; entityId: string; kind: ResolvedKind | 'conversation'; redirectedFrom?: string }
  | { type: 'record'; recordId: number; ref: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SALESFORCE_ID_15 = /^[a-zA-Z0-9]{15}$/

export async function findSubject(db: Kysely<DB>, text: string, parameter: string): Promise<Subject> {
  const input = text.trim()
  if (UUID.test(input)) {
    const entity = await db.selectFrom('entities').select(['id', 'kind', 'redirect_to']).where('id', '=', input.toLowerCase()).executeTakeFirst()
    if (!entity) throw new CgError('E_NOT_FOUND', `no entity ${input}`, { location: { parameter } })
    if (entity.redirect_to === null) return { type: 'entity', entityId: entity.id, kind: entity.kind }
    const survivor = await db.selectFrom('entities').select(['id', 'kind']).where('id', '=', entity.redirect_to).executeTakeFirstOrThrow()
    return { type: 'entity', entityId: survivor.id, kind: survivor.kind, redirectedFrom: entity.id }
  }
  const ref = parseRecordRef(input)
  if (ref) {
    const { system, objectType } = ref
    const sourceId = storedSourceId(system, ref.sourceId)
    const record = await db
      .selectFrom('source_records')
      .select('id')
      .where('system', '=', system)
      .where('object_type', '=', objectType)
      .where('source_id', '=', sourceId)
      .orderBy('id')
      .executeTakeFirst()
    if (!record) throw new CgError('E_NOT_FOUND', `no record ${input} has been imported`, { location: { parameter } })
    return { type: 'record', recordId: record.id, ref: `${system}:${objectType}:${sourceId}` }
  }
  // A 15-character Salesforce id as people copy it from the UI lands in its 18-character form.
  const candidates = [...new Set([input, ...(SALESFORCE_ID_15.test(input) ? [toSalesforceId18(input) ?? input] : [])])]
  const { rows } = await sql<{ id: number; system: string; object_type: string; source_id: string }>`
    select id, system, object_type, source_id from source_records
    where source_id = any(${candidates}::text[]) order by id limit 3`.execute(db)
  if (rows.length === 0) {
    throw new CgError('E_NOT_FOUND', `"${input}" is no entity id, record reference (system:objectType:sourceId) or imported source id`, { location: { parameter } })
  }
  if (rows.length > 1) {
    const refs = [...new Set(rows.map((row) => `${row.system}:${row.object_type}:${row.source_id}`))].join(', ')
    throw new CgError('E_AMBIGUOUS', `source id "${input}" names several records (${refs}); give the full reference`, { location: { parameter } })
  }
  const [row] = rows
  return { type: 'record', recordId: row!.id, ref: `${row!.system}:${row!.object_type}:${row!.source_id}` }
}
