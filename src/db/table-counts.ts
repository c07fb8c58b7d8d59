import { sql, type Kysely } from 'kysely'
import { TABLE_NAMES, type DB } from '../schema/database.ts'
import { knownTable } from './trusted-sql.ts'

export type TableCounts = Record<(typeof TABLE_NAMES)[number], number>

/** Exact row counts of the graph's tables, in one round trip. Call only on a migrated database. */
export async function countTableRows(db: Kysely<DB>): Promise<TableCounts> {
  const selects = TABLE_NAMES.map((name) => {
    const { table, alias } = knownTable(name)
    return sql`(select count(*) from ${table})::int as ${alias}`
  })
  const result = await sql<TableCounts>`select ${sql.join(selects)}`.execute(db)
  const row = result.rows[0]
  if (!row) throw new Error('count query returned no row')
  return row
}
