/**
 * An export identical to the last one a connection imported, with the same settings, is not read
 * again: the run says which run it matches and writes nothing (records are marked seen once a day,
 * as a read would). Any changed byte, option, or a later run that did not succeed reads it whole.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { exportConnectors } from '../src/connectors/registry.ts'
import type { Deps } from '../src/deps.ts'
import { openExportSource } from '../src/formats/export-source.ts'
import { generateCompany } from '../src/generate/generate-company.ts'
import { createLogger } from '../src/logger.ts'
import { runImport, type ImportRequest } from '../src/pipeline/run-import.ts'
import type { DB } from '../src/schema/database.ts'
import { databaseTargets, truncateAll, type TestDatabase } from './support/test-databases.ts'

let dir: string
let salesforce: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-unchanged-'))
  await generateCompany({ dir: join(dir, 'company'), people: 40, seed: 8 })
  salesforce = join(dir, 'company', 'salesforce')
}, 60_000)
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Every row version of the tables an import writes: equal before and after means nothing was written. */
async function rowVersions(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ v: string }>`
    select 's' || xmin::text || ':' || id as v from source_records
    union all select 'c' || xmin::text from canonical_records
    union all select 'k' || xmin::text from resolution_keys
    union all select 'a' || xmin::text from activities
    union all select 'p' || source_record_id from resolution_pending
    union all select 'r' || id from rejected_records
    order by 1`.execute(db)
  return rows.map((row) => row.v)
}

describe.each(databaseTargets())('re-importing an unchanged export on the $name database', (target) => {
  let store: TestDatabase
  let deps: Deps
  let time: number

  beforeAll(async () => {
    store = await target.create()
  })
  beforeEach(async () => {
    await truncateAll(store.db)
    time = Date.parse('2026-11-01T00:00:00Z')
    deps = { db: store.db, clock: { now: () => new Date((time += 1000)) }, logger: createLogger('silent') }
  })
  afterAll(() => store?.dispose())

  const importFrom = (path: string, extra: Partial<ImportRequest> = {}) =>
    runImport(deps, { connector: exportConnectors.salesforce, path, openSource: () => openExportSource(path), ...extra })

  it('is not read again: the run names the run it matches, counts every record unchanged, and writes nothing', async () => {
    const first = await importFrom(salesforce)
    expect(first.status).toBe('succeeded')
    await store.db.deleteFrom('resolution_pending').execute()
    const before = await rowVersions(store.db)
    const again = await importFrom(salesforce)
    expect(again).toMatchObject({ status: 'succeeded', unchangedSince: first.runId })
    expect(again.records).toEqual({ read: first.records.read, new: 0, changed: 0, unchanged: first.records.new, rejected: 0, deleted: 0, suppressed: 0 })
    expect(await rowVersions(store.db)).toEqual(before)
    // And the run after that matches the skipped one, which matched the first.
    expect(await importFrom(salesforce)).toMatchObject({ unchangedSince: again.runId, records: again.records })
  })

  it('reads the export whole when a byte changed, an option changed, the last run did not succeed, or --reread asks', async () => {
    const first = await importFrom(salesforce)
    expect((await importFrom(salesforce, { reread: true })).records).toMatchObject({ unchanged: first.records.new, new: 0 })
    expect((await importFrom(salesforce, { deletion: { enabled: false } })).unchangedSince).toBeUndefined()
    // The same options as the first run again, but the last run was another: read whole.
    expect((await importFrom(salesforce)).unchangedSince).toBeUndefined()

    await store.db.insertInto('sync_runs').values({ connection_id: 'salesforce-export', trigger: 'import', status: 'failed', input: '{}' }).execute()
    const afterFailure = await importFrom(salesforce)
    expect(afterFailure.unchangedSince).toBeUndefined()
    expect(afterFailure.records.unchanged).toBe(first.records.new)

    const file = join(salesforce, 'Account.csv')
    const original = await readFile(file, 'utf8')
    const lines = original.split('\n')
    const nameAt = lines[0]!.split(',').map((cell) => cell.replaceAll('"', '')).indexOf('Name')
    let cell = 0
    lines[1] = lines[1]!.replace(/"([^"]*)"/g, (quoted: string, value: string) => (cell++ === nameAt ? `"${value} (renamed)"` : quoted))
    await writeFile(file, lines.join('\n'))
    try {
      const changed = await importFrom(salesforce)
      expect(changed.unchangedSince).toBeUndefined()
      expect(changed.records.changed).toBe(1)
    } finally {
      await writeFile(file, original)
    }
  })

  it('marks every live record seen once a day, as a read would', async () => {
    await importFrom(salesforce)
    time += 25 * 60 * 60 * 1000
    const again = await importFrom(salesforce)
    expect(again.unchangedSince).toBeDefined()
    const { rows } = await sql<{ stale: number; seen: number }>`
      select count(*) filter (where last_run_id is distinct from ${again.runId})::int as stale,
        count(*) filter (where last_run_id = ${again.runId})::int as seen
      from source_records where deleted_at is null`.execute(store.db)
    expect(rows[0]!.stale).toBe(0)
    expect(rows[0]!.seen).toBeGreaterThan(0)
  })
})
