/**
 * Replaces the resolution keys of some records. The import calls it for every record it writes, in
 * the page's transaction, so keys are always those of the record as stored; a resolution pass only
 * re-keys what landed without them (see refresh-keys.ts).
 */
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../schema/database.ts'
import type { LoadedRecord } from './load-resolvables.ts'

/** Deletes the keys of `staleIds` (records that had keys), then writes `keyed`. */
export async function replaceKeys(trx: Transaction<DB>, staleIds: readonly number[], keyed: readonly Pick<LoadedRecord, 'id' | 'kind' | 'keys'>[]): Promise<void> {
  if (staleIds.length > 0) await sql`delete from resolution_keys where source_record_id = any(${[...staleIds]}::bigint[])`.execute(trx)
  const ids: number[] = []
  const entityKinds: string[] = []
  const kinds: string[] = []
  const values: string[] = []
  const roles: string[] = []
  const generic: boolean[] = []
  for (const record of keyed) {
    for (const key of record.keys) {
      ids.push(record.id)
      entityKinds.push(record.kind)
      kinds.push(key.kind)
      values.push(key.value)
      roles.push(key.role)
      generic.push(key.isGeneric)
    }
  }
  if (ids.length === 0) return
  await sql`insert into resolution_keys (source_record_id, entity_kind, kind, value, role, is_generic)
    select * from unnest(${ids}::bigint[], ${entityKinds}::text[], ${kinds}::text[], ${values}::text[], ${roles}::text[], ${generic}::boolean[])`.execute(trx)
}
