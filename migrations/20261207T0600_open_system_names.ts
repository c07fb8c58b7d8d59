import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code. A connector module may bring a system of its own
// (hubspot, an HR feed), so the system columns no longer list the four built-in systems; they check
// the shape of a system name instead (the same pattern as SYSTEM_NAME_PATTERN in the canonical schema).

const TABLES = ['connections', 'source_records', 'rejected_records', 'claims'] as const
const PATTERN = '^[a-z][a-z0-9_-]{1,31}$'

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${table}_system_check`)}`.execute(db)
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_system_check`)} check (system ~ ${sql.lit(PATTERN)})`.execute(db)
  }
  await sql`comment on column connections.system is ${sql.lit('Source system: slack, salesforce, workday, google, or the system a connector module brings.')}`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${table}_system_check`)}`.execute(db)
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_system_check`)} check (system in ('slack', 'salesforce', 'workday', 'google'))`.execute(db)
  }
  await sql`comment on column connections.system is ${sql.lit('Source system: slack, salesforce, workday or google.')}`.execute(db)
}
