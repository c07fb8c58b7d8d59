import { sql, type Kysely } from 'kysely'
import { TABLE_NAMES, type DB } from '../schema/database.ts'

export type TableCounts = Record<(typeof TABLE_NAMES)[number], number>

/** Exact row counts of the graph's tables, in one round trip. Call only on a migrated database. */
export async function countTableRows(db: Kysely<DB>): Promise<TableCounts> {
  // Table names come from the fixed TABLE_NAMES list, never from input.
  const selects = TABLE_NAMES.map((table) => sql`(select count(*) from ${sql.table(table)})::int as ${sql.ref(table)}`)
  const result = await sql<TableCounts>`select ${sql.join(selects)}`.execute(db)
  const row = result.rows[0]
  if (!row) throw new Error('count query returned no row')
  return row
}
