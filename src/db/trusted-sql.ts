/**
 * The one module allowed to use kysely's raw-SQL helpers (`sql.raw`, `sql.lit`, `sql.ref`,
 * `sql.table`, `sql.id`, `dynamic.ref`; eslint.config.js refuses them everywhere else in src/). Every
 * helper here takes a value from a closed list written in the code and checks it again at run time, so
 * nothing a caller, a file or a source sends can become SQL text. Everything else is parameterised.
 */
import { sql, type RawBuilder } from 'kysely'
import { TABLE_NAMES } from '../schema/database.ts'

export type TableName = (typeof TABLE_NAMES)[number]

/** One of the graph's own tables, as an identifier; anything else is a programming error. */
export function knownTable(name: TableName): { table: RawBuilder<unknown>; alias: RawBuilder<unknown> } {
  if (!(TABLE_NAMES as readonly string[]).includes(name)) throw new Error(`not a table of the graph: ${String(name)}`)
  return { table: sql.table(name), alias: sql.ref(name) }
}
