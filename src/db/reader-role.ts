/**
 * Serving through a read-only database role. `customer-graph grant-reader <role>` gives an existing
 * role what the HTTP and MCP servers need and nothing more: reading every table and view, recording
 * each call in lookup_audit, and noting when a token was last used. A server started as such a role
 * cannot change the store whatever a request does; it does not migrate (it cannot), it checks that
 * the schema is current instead.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { CgError } from '../errors.ts'
import type { DB } from '../schema/database.ts'
import { migrateToLatest, readSchemaVersion } from './migrate.ts'
import { ROLE_NAME, roleIdentifier } from './trusted-sql.ts'

/** What a reader may do, as text (for the receipt) and as the statement that grants it. */
function readerGrants(role: RawBuilder<unknown>): { grant: string; statement: RawBuilder<unknown> }[] {
  return [
    { grant: 'usage on schema public', statement: sql`grant usage on schema public to ${role}` },
    { grant: 'select on every table and view', statement: sql`grant select on all tables in schema public to ${role}` },
    // Tables the owner adds later (a new migration) are readable too.
    { grant: 'select on tables created later', statement: sql`alter default privileges in schema public grant select on tables to ${role}` },
    { grant: 'insert on lookup_audit', statement: sql`grant insert on lookup_audit to ${role}` },
    { grant: 'usage on the sequences (audit ids)', statement: sql`grant usage on all sequences in schema public to ${role}` },
    { grant: 'update of api_tokens.last_used_at', statement: sql`grant update (last_used_at) on api_tokens to ${role}` },
  ]
}

export async function grantReader(db: Kysely<DB>, role: string): Promise<string[]> {
  if (!ROLE_NAME.test(role)) {
    throw new CgError('E_USAGE', `"${role}" is not a role name this command grants to (lower-case letters, digits and _)`, { location: { parameter: 'role' } })
  }
  const { rows } = await sql<{ exists: boolean }>`select exists (select 1 from pg_roles where rolname = ${role}) as exists`.execute(db)
  if (!rows[0]?.exists) {
    throw new CgError('E_USAGE', `there is no role "${role}" on this server; create it first (create role ${role} login), then grant`, { location: { parameter: 'role' } })
  }
  const grants = readerGrants(roleIdentifier(role))
  await db.transaction().execute(async (trx) => {
    for (const { statement } of grants) await statement.execute(trx)
  })
  return grants.map(({ grant }) => grant)
}

/**
 * Before serving: the schema's owner migrates as every command does; a role that cannot write the
 * store (a reader) checks that nothing is pending instead. Says which it is.
 */
export async function prepareToServe(db: Kysely<DB>): Promise<{ role: string; readOnly: boolean }> {
  const { rows } = await sql<{ role: string; writes: boolean | null }>`
    select current_user as role, case when to_regclass('source_records') is null then null else has_table_privilege('source_records', 'INSERT') end as writes`.execute(db)
  const { role, writes } = rows[0]!
  if (writes !== false) {
    await migrateToLatest(db)
    return { role, readOnly: false }
  }
  const version = await readSchemaVersion(db)
  if (version.pending.length > 0) {
    throw new CgError('E_DB_MIGRATION', `the schema has ${version.pending.length} pending migrations and role ${role} may only read; run customer-graph migrate as the schema's owner first`, {})
  }
  return { role, readOnly: true }
}
