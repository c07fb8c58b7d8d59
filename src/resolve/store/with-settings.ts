/**
 * Server settings changed for a stretch of work inside a transaction (set_config with is_local), then
 * put back, so that the rest of the transaction plans as before.
 */
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../schema/database.ts'

/** Runs `work` with `settings` (name → value) in this transaction, then puts them back. */
export async function withSettings<T>(trx: Transaction<DB>, settings: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const names = Object.keys(settings)
  if (names.length === 0) return work()
  const { rows } = await sql<{ name: string; setting: string }>`select name, current_setting(name) as setting from unnest(${names}::text[]) as name`.execute(trx)
  for (const name of names) await sql`select set_config(${name}, ${settings[name]!}, true)`.execute(trx)
  const result = await work()
  for (const row of rows) await sql`select set_config(${row.name}, ${row.setting}, true)`.execute(trx)
  return result
}
