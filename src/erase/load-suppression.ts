import type { Kysely } from 'kysely'
import type { DB } from '../schema/database.ts'
import { Suppression } from './suppression.ts'

/** The suppression hashes every erasure so far has kept; read once at the start of each run. */
export async function loadSuppression(db: Kysely<DB>): Promise<Suppression> {
  const rows = await db.selectFrom('suppressions').select(['hash', 'kind']).execute()
  if (rows.length === 0) return Suppression.none
  const sets = { record: new Set<string>(), identifier: new Set<string>(), context: new Set<string>() }
  for (const row of rows) sets[row.kind].add(row.hash)
  return new Suppression(sets)
}
