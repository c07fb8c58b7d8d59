import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateToLatest, readSchemaVersion } from '../src/db/migrate.ts'
import { countTableRows } from '../src/db/table-counts.ts'
import { openDatabase } from '../src/db/open-database.ts'
import { TABLE_NAMES } from '../src/schema/database.ts'
import { databaseTargets, MIGRATION_NAMES, type TestDatabase } from './support/test-databases.ts'

describe.each(databaseTargets())('on the $name database', (target) => {
  let store: TestDatabase

  beforeAll(async () => {
    store = await target.create()
  })
  afterAll(() => store?.dispose())

  it('creates every table of the customer graph', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(store.db)
    expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining([...TABLE_NAMES]))
  })

  it('serves identifiers as a view over the members\' identifier keys', async () => {
    const { rows } = await sql<{ table_type: string }>`
      select table_type from information_schema.tables where table_schema = current_schema() and table_name = 'identifiers'`.execute(store.db)
    expect(rows).toEqual([{ table_type: 'VIEW' }])
  })

  it('documents every table, view and column with a SQL comment', async () => {
    const { rows } = await sql<{ missing: string }>`
      select c.relname || coalesce('.' || a.attname, '') as missing
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
      left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relkind in ('r', 'v') and c.relname <> all (array['kysely_migration', 'kysely_migration_lock'])
        and (case when a.attname is null then obj_description(c.oid, 'pg_class')
                  else col_description(c.oid, a.attnum) end) is null
      union all
      select c.relname from pg_class c
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
      where c.relkind in ('r', 'v') and c.relname <> all (array['kysely_migration', 'kysely_migration_lock'])
        and obj_description(c.oid, 'pg_class') is null`.execute(store.db)
    expect(rows.map((row) => row.missing)).toEqual([])
  })

  it('applies nothing when migrated again', async () => {
    const again = await migrateToLatest(store.db)
    expect(again.applied).toEqual([])
    const version = await readSchemaVersion(store.db)
    expect(version.pending).toEqual([])
    expect(version.schemaVersion).toMatch(/^\d{8}T\d{4}_/)
  })

  it('counts rows per table and returns integers as numbers', async () => {
    await store.db.insertInto('connections').values({ id: 'slack-export', system: 'slack', transport: 'export' }).execute()
    const counts = await countTableRows(store.db)
    expect(counts.connections).toBe(1)
    expect(counts.source_records).toBe(0)
    expect(Object.keys(counts)).toEqual([...TABLE_NAMES])
  })

  it('round-trips jsonb written as JSON text, arrays included', async () => {
    const run = await store.db
      .insertInto('sync_runs')
      .values({
        connection_id: 'slack-export',
        trigger: 'import',
        status: 'running',
        input: JSON.stringify({ files: ['a.zip', 'b.zip'] }),
      })
      .returning(['id', 'input', 'counts'])
      .executeTakeFirstOrThrow()
    expect(typeof run.id).toBe('number')
    expect(run.input).toEqual({ files: ['a.zip', 'b.zip'] })
    expect(run.counts).toEqual({})
  })

  it('keeps a transaction whole: a failure inside writes nothing', async () => {
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('connections').values({ id: 'half', system: 'google', transport: 'api' }).execute()
        throw new Error('fails after the first write')
      }),
    ).rejects.toThrow('fails after the first write')
    const found = await store.db.selectFrom('connections').select('id').where('id', '=', 'half').execute()
    expect(found).toEqual([])
  })

  it('serialises concurrent transactions without interleaving their statements', async () => {
    const writes = Array.from({ length: 8 }, (_, index) =>
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('connections').values({ id: `c${index}`, system: 'workday', transport: 'api' }).execute()
        if (index % 2 === 1) throw new Error('rolled back')
      }),
    )
    const results = await Promise.allSettled(writes)
    expect(results.filter((result) => result.status === 'rejected')).toHaveLength(4)
    const ids = await store.db.selectFrom('connections').select('id').where('id', 'like', 'c_').orderBy('id').execute()
    expect(ids.map((row) => row.id)).toEqual(['c0', 'c2', 'c4', 'c6'])
  })

  it('has pg_trgm for fuzzy names, with the trigram index on entity names', async () => {
    const { rows } = await sql<{ close: number; far: number }>`
      select similarity('Jonathan Smith', 'Jonathon Smith') as close,
             similarity('Jonathan Smith', 'Maria Garcia') as far`.execute(store.db)
    expect(rows[0]!.close).toBeGreaterThan(0.5)
    expect(rows[0]!.far).toBeLessThan(0.1)
    await store.db.insertInto('entities').values([{ kind: 'person', display_name: 'Jonathan Smith' }]).execute()
    const found = await store.db
      .selectFrom('entities')
      .select('display_name')
      .where(sql<boolean>`display_name % ${'Jonathon Smith'}`)
      .execute()
    expect(found).toEqual([{ display_name: 'Jonathan Smith' }])
  })

  it('refuses an entity redirecting to itself', async () => {
    const entity = await store.db.insertInto('entities').values({ kind: 'organization' }).returning('id').executeTakeFirstOrThrow()
    await expect(
      store.db.updateTable('entities').set({ redirect_to: entity.id }).where('id', '=', entity.id).execute(),
    ).rejects.toThrow(/check constraint/)
  })

  // Only a server has several processes migrating at once; the embedded database is one process.
  if (target.name === 'server') it('lets concurrent migrators apply each migration once', async () => {
    // A second database, fresh: several processes starting at once must not race the schema.
    const fresh = await target.create({ migrate: false })
    try {
      const handles = await Promise.all([1, 2, 3].map(() => openDatabase(fresh.config)))
      try {
        const reports = await Promise.all(handles.map((handle) => migrateToLatest(handle.db)))
        const applied = reports.flatMap((report) => report.applied)
        expect(applied).toEqual(MIGRATION_NAMES)
      } finally {
        await Promise.all(handles.map((handle) => handle.close()))
      }
    } finally {
      await fresh.dispose()
    }
  })

  it('rejects queries once closed', async () => {
    const other = await target.create()
    await other.dispose()
    await expect(other.db.selectFrom('connections').selectAll().execute()).rejects.toThrow()
  })
})
