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

/** Role names a command may name: lower-case letters, digits and _, as PostgreSQL folds them. */
export const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** A role given on the command line, as an identifier, once it has the shape of ROLE_NAME. */
export function roleIdentifier(name: string): RawBuilder<unknown> {
  if (!ROLE_NAME.test(name)) throw new Error(`not a role name: ${JSON.stringify(name)}`)
  return sql.id(name)
}

/** A column erasure scrubs (erase/scrub-plan.ts), as an identifier; anything else is a programming error. */
export function scrubbedColumn(table: TableName, column: string, plan: readonly { table: TableName; columns: readonly { name: string }[] }[]): RawBuilder<unknown> {
  const known = plan.some((target) => target.table === table && target.columns.some((entry) => entry.name === column))
  if (!known || !/^[a-z_]+$/.test(column)) throw new Error(`not a column erasure scrubs: ${table}.${column}`)
  return sql.ref(column)
}
