import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Readable } from 'node:stream'
import type { ExportConnector, ExportItem, ExportSource } from '../src/connectors/types.ts'
import type { Deps } from '../src/deps.ts'
import { createLogger } from '../src/logger.ts'
import { runImport, type ImportRequest } from '../src/pipeline/run-import.ts'
import { databaseTargets, truncateAll, type TestDatabase } from './support/test-databases.ts'

/** A connector over items held in memory: the public contract, as an outside package would implement it. */
function listConnector(options: { failOn?: string } = {}): ExportConnector {
  return {
    system: 'salesforce',
    async *read(source: ExportSource): AsyncIterable<ExportItem> {
      for await (const entry of source.entries()) {
        const stream = await entry.open()
        const items = JSON.parse(String(stream.read())) as ExportItem[]
        for (const item of items) {
          if (item.type === 'record' && item.record.sourceId === options.failOn) throw new Error('disk went away')
          yield item
        }
      }
    },
    normalize(record) {
      const name = typeof record.payload.Name === 'string' ? record.payload.Name : ''
      if (name === 'BREAKS-THE-PAGE') {
        // An invalid kind violates the table's check constraint: the page must roll back whole.
        return { records: [{ kind: 'bogus' } as never], issues: [] }
      }
      return {
        records: [{ kind: 'person', name: { full: name }, emails: [], phones: [], internal: false, externalIds: [] }],
        issues: name ? [] : [{ code: 'E_NO_NAME', message: 'contact has no name', path: 'Name' }],
      }
    },
  }
}

function sourceOf(items: ExportItem[]): ExportSource {
  return {
    path: 'memory://Contact.csv',
    kind: 'file',
    entries: () =>
      Readable.from([
        {
          path: 'Contact.csv',
          location: { file: 'Contact.csv' },
          size: undefined,
          open: () => Promise.resolve(Readable.from([JSON.stringify(items)], { objectMode: true })),
        },
      ]),
  }
}

const contact = (id: string, name: string, line = 2): ExportItem => ({
  type: 'record',
  record: { objectType: 'Contact', sourceId: id, payload: { Id: id, Name: name }, provenance: { file: 'Contact.csv', line } },
})
const complete: ExportItem = { type: 'complete', objectType: 'Contact' }

describe.each(databaseTargets())('import pipeline on the $name database', (target) => {
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

  const importItems = async (items: ExportItem[], extra: Partial<ImportRequest> = {}) =>
    runImport(deps, { connector: listConnector(), path: 'Contact.csv', openSource: () => Promise.resolve(sourceOf(items)), pageSize: 2, ...extra })

  it('lands records with provenance, hash and canonical records, and keeps rejects with their reason', async () => {
    const report = await importItems([
      contact('003A', 'Ada Lovelace'),
      { type: 'reject', reject: { code: 'E_CSV_COLUMNS', message: 'row has 3 columns, header has 2', location: { file: 'Contact.csv', line: 3 }, objectType: 'Contact', raw: 'a,b,c' } },
      contact('003B', 'Grace Hopper', 4),
      contact('003C', '', 5),
    ])
    expect(report).toMatchObject({
      system: 'salesforce',
      connection: 'salesforce-export',
      status: 'partial',
      records: { read: 4, new: 3, changed: 0, unchanged: 0, rejected: 1, deleted: 0 },
      errors: [{ code: 'E_CSV_COLUMNS', location: { file: 'Contact.csv', line: 3 } }],
    })
    const landed = await store.db.selectFrom('source_records').selectAll().orderBy('source_id').execute()
    expect(landed.map((row) => [row.object_type, row.source_id, row.provenance])).toEqual([
      ['Contact', '003A', { file: 'Contact.csv', line: 2 }],
      ['Contact', '003B', { file: 'Contact.csv', line: 4 }],
      ['Contact', '003C', { file: 'Contact.csv', line: 5 }],
    ])
    expect(landed[0]!.content_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(landed[2]!.normalize_issues).toEqual([{ code: 'E_NO_NAME', message: 'contact has no name', path: 'Name' }])
    const canonical = await store.db.selectFrom('canonical_records').select(['kind', 'data']).orderBy('source_record_id').execute()
    expect(canonical.map((row) => row.data)).toMatchObject([{ kind: 'person', name: { full: 'Ada Lovelace' } }, {}, {}])
    const rejected = await store.db.selectFrom('rejected_records').selectAll().execute()
    expect(rejected).toMatchObject([{ code: 'E_CSV_COLUMNS', location: { file: 'Contact.csv', line: 3 }, raw: 'a,b,c', run_id: report.runId }])
    const run = await store.db.selectFrom('sync_runs').selectAll().where('id', '=', report.runId).executeTakeFirstOrThrow()
    expect(run).toMatchObject({ status: 'partial', trigger: 'import', counts: report.records })
    expect(await store.db.selectFrom('import_seen').selectAll().execute()).toEqual([])
  })

  it('changes nothing when the same export is imported again: no row is rewritten', async () => {
    const items = [contact('003A', 'Ada'), contact('003B', 'Grace'), contact('003C', 'Katherine'), complete]
    await importItems(items)
    const before = await sql<{ xmin: string }>`select xmin::text from source_records union all select xmin::text from canonical_records`.execute(store.db)
    const again = await importItems(items)
    expect(again.records).toEqual({ read: 3, new: 0, changed: 0, unchanged: 3, rejected: 0, deleted: 0, suppressed: 0 })
    expect(again.status).toBe('succeeded')
    const after = await sql<{ xmin: string }>`select xmin::text from source_records union all select xmin::text from canonical_records`.execute(store.db)
    expect(after.rows).toEqual(before.rows)
  })

  it('rewrites a changed record and its canonical records', async () => {
    await importItems([contact('003A', 'Ada'), contact('003B', 'Grace')])
    const report = await importItems([contact('003A', 'Ada Lovelace'), contact('003B', 'Grace')])
    expect(report.records).toMatchObject({ new: 0, changed: 1, unchanged: 1 })
    const canonical = await store.db
      .selectFrom('canonical_records')
      .innerJoin('source_records', 'source_records.id', 'canonical_records.source_record_id')
      .select(['source_id', 'data'])
      .orderBy('source_id')
      .execute()
    expect(canonical.map((row) => [row.source_id, row.data])).toMatchObject([
      ['003A', { name: { full: 'Ada Lovelace' } }],
      ['003B', { name: { full: 'Grace' } }],
    ])
  })

  it('rejects a second copy of an id within one input, across pages too, and stays idempotent', async () => {
    const items = [contact('003A', 'Ada'), contact('003B', 'Grace'), contact('003A', 'Ada (copy)', 9), contact('003B', 'Grace (copy)', 10)]
    const first = await importItems(items)
    expect(first.records).toMatchObject({ new: 2, rejected: 2 })
    expect(first.errors.map((error) => [error.code, error.location])).toEqual([
      ['E_DUPLICATE_ID', { file: 'Contact.csv', line: 9 }],
      ['E_DUPLICATE_ID', { file: 'Contact.csv', line: 10 }],
    ])
    const second = await importItems(items)
    expect(second.records).toMatchObject({ new: 0, changed: 0, unchanged: 2, rejected: 2 })
  })

  it('still infers deletions when the only rejects are duplicates of ids that did land', async () => {
    const all = Array.from({ length: 20 }, (_, index) => contact(`003${String(index).padStart(2, '0')}`, `P${index}`))
    await importItems([...all, complete])
    const report = await importItems([...all.slice(1), contact('00301', 'P1 again', 30), complete])
    expect(report.records).toMatchObject({ rejected: 1, deleted: 1 })
  })

  it('marks records missing from a complete export as deleted, with evidence, and revives them when they return', async () => {
    const all = Array.from({ length: 20 }, (_, index) => contact(`003${String(index).padStart(2, '0')}`, `Person ${index}`))
    await importItems([...all, complete])
    const report = await importItems([...all.slice(1), complete])
    expect(report.records.deleted).toBe(1)
    expect(report.deletions).toEqual([{ objectType: 'Contact', live: 20, missing: 1, applied: true }])
    const gone = await store.db.selectFrom('source_records').selectAll().where('source_id', '=', '00300').executeTakeFirstOrThrow()
    expect(gone.deleted_at).toBeInstanceOf(Date)
    expect(gone.deletion_evidence).toEqual({ reason: 'missing_from_complete_export', run_id: report.runId })

    const back = await importItems([...all, complete])
    expect(back.records).toMatchObject({ changed: 1, deleted: 0 })
    const revived = await store.db.selectFrom('source_records').selectAll().where('source_id', '=', '00300').executeTakeFirstOrThrow()
    expect(revived.deleted_at).toBeNull()
  })

  it('deletes by absence only records of the same connection: another org of the system is untouched', async () => {
    const orgA = Array.from({ length: 20 }, (_, index) => contact(`003A${String(index).padStart(2, '0')}`, `A${index}`))
    const orgB = Array.from({ length: 20 }, (_, index) => contact(`003B${String(index).padStart(2, '0')}`, `B${index}`))
    await importItems([...orgA, complete], { connectionId: 'org-a' })
    const report = await importItems([...orgB.slice(1), complete], { connectionId: 'org-b' })
    expect(report.records.deleted).toBe(0)
    const again = await importItems([...orgB.slice(2), complete], { connectionId: 'org-b' })
    expect(again.deletions).toEqual([{ objectType: 'Contact', live: 19, missing: 1, applied: true }])
    expect(await store.db.selectFrom('source_records').select('id').where('deleted_at', 'is not', null).execute()).toHaveLength(1)
  })

  it('judges the deletion share against the records that existed before the run, not ones it added', async () => {
    const old = Array.from({ length: 100 }, (_, index) => contact(`003O${String(index).padStart(3, '0')}`, `Old ${index}`))
    const padding = Array.from({ length: 1000 }, (_, index) => contact(`003N${String(index).padStart(4, '0')}`, `New ${index}`))
    await importItems([...old, complete], { pageSize: 500 })
    const report = await importItems([...old.slice(0, 5), ...padding, complete], { pageSize: 500 })
    expect(report.deletions).toEqual([{ objectType: 'Contact', live: 100, missing: 95, applied: false }])
    expect(report.records.deleted).toBe(0)
    expect(report.errors).toMatchObject([{ code: 'E_MASS_DELETE' }])
  })

  it('keeps ids with NUL characters and drops impossible source times instead of failing the page', async () => {
    const odd = (sourceId: string, sourceUpdatedAt: string, line: number): ExportItem => ({
      type: 'record',
      record: { objectType: 'Contact', sourceId, payload: { Id: sourceId, Name: 'Odd' }, sourceUpdatedAt, provenance: { file: 'Contact.csv', line } },
    })
    const report = await importItems([
      odd('003\u0000A', '2024-05-01T10:00:00+02:00', 2),
      odd('003B', '+033658-09-27T01:46:39.000Z', 3),
      odd('003C', '2024-02-30T10:00:00Z', 4),
      contact('003D', 'Fine', 5),
    ])
    expect(report.records).toMatchObject({ new: 4, rejected: 0 })
    const rows = await store.db.selectFrom('source_records').select(['source_id', 'source_updated_at', 'normalize_issues']).orderBy('id').execute()
    expect(rows.map((row) => [row.source_id, row.source_updated_at?.toISOString() ?? null, (row.normalize_issues as { code: string }[] | null)?.[0]?.code ?? null])).toEqual([
      ['003\uFFFDA', '2024-05-01T08:00:00.000Z', null],
      ['003B', null, 'W_SOURCE_TIME'],
      ['003C', null, 'W_SOURCE_TIME'],
      ['003D', null, null],
    ])
  })

  it('refuses to delete more than the allowed share unless told to', async () => {
    const all = Array.from({ length: 10 }, (_, index) => contact(`003${index}`, `Person ${index}`))
    await importItems([...all, complete])
    const refused = await importItems([...all.slice(0, 5), complete])
    expect(refused.records.deleted).toBe(0)
    expect(refused.errors).toMatchObject([{ code: 'E_MASS_DELETE' }])
    expect(refused.errors[0]!.message).toContain('5 of 10 live records (50%)')
    expect(await store.db.selectFrom('source_records').select('id').where('deleted_at', 'is not', null).execute()).toEqual([])

    const allowed = await importItems([...all.slice(0, 5), complete], { deletion: { allowMassDelete: true } })
    expect(allowed.records.deleted).toBe(5)
  })

  it('infers no deletion from a read with rejects, an incomplete read, or a partial import', async () => {
    const all = Array.from({ length: 20 }, (_, index) => contact(`003${String(index).padStart(2, '0')}`, `P${index}`))
    await importItems([...all, complete])
    const reject: ExportItem = { type: 'reject', reject: { code: 'E_CSV_QUOTE', message: 'quote not closed', location: { file: 'Contact.csv', line: 7 }, objectType: 'Contact' } }
    expect((await importItems([...all.slice(1), reject, complete])).records.deleted).toBe(0)
    expect((await importItems(all.slice(1))).records.deleted).toBe(0)
    expect((await importItems([...all.slice(1), complete], { deletion: { enabled: false } })).records.deleted).toBe(0)
    expect(await store.db.selectFrom('source_records').select('id').where('deleted_at', 'is not', null).execute()).toEqual([])
  })

  it('lands what was read before a fatal error, reports it, and infers no deletion', async () => {
    const all = Array.from({ length: 6 }, (_, index) => contact(`003${index}`, `P${index}`))
    await importItems([...all, complete])
    const report = await runImport(deps, {
      connector: listConnector({ failOn: '0034' }),
      path: 'Contact.csv',
      openSource: () => Promise.resolve(sourceOf([contact('0030', 'changed'), ...all.slice(1), complete])),
      pageSize: 2,
    })
    expect(report.status).toBe('failed')
    expect(report.errors.at(-1)).toMatchObject({ code: 'E_INTERNAL', message: expect.stringContaining('disk went away') })
    expect(report.records).toMatchObject({ read: 4, changed: 1, unchanged: 3, deleted: 0 })
    const run = await store.db.selectFrom('sync_runs').select(['status', 'error']).where('id', '=', report.runId).executeTakeFirstOrThrow()
    expect(run).toMatchObject({ status: 'failed', error: { code: 'E_INTERNAL' } })
  })

  it('never infers the deletion of an inferred record, and never lets one overwrite a record read as itself', async () => {
    const inferredUser = (id: string, name: string): ExportItem => ({
      type: 'record',
      record: { objectType: 'Contact', sourceId: id, payload: { Id: id, Name: name, derived: true }, provenance: { file: 'msgs.json', path: '$[0]' }, inferred: true },
    })
    const all = Array.from({ length: 20 }, (_, index) => contact(`003${String(index).padStart(2, '0')}`, `P${index}`))
    await importItems([...all, inferredUser('003EXT', 'External'), complete])
    const report = await importItems([...all, complete])
    expect(report.records.deleted).toBe(0)
    const external = await store.db.selectFrom('source_records').select(['deleted_at', 'inferred']).where('source_id', '=', '003EXT').executeTakeFirstOrThrow()
    expect(external).toEqual({ deleted_at: null, inferred: true })

    const overwrite = await importItems([inferredUser('00300', 'Guess from a message')])
    expect(overwrite.records).toMatchObject({ changed: 0, unchanged: 1 })
    const real = await store.db.selectFrom('source_records').select(['payload', 'inferred']).where('source_id', '=', '00300').executeTakeFirstOrThrow()
    expect(real).toEqual({ payload: { Id: '00300', Name: 'P0' }, inferred: false })
  })

  it('folds repeated copies of an inferred record into the first, in a page and across pages, without an error', async () => {
    const inferred = (id: string, name: string, index: number): ExportItem => ({
      type: 'record',
      record: { objectType: 'Contact', sourceId: id, payload: { Id: id, Name: name }, provenance: { file: 'cal.ics', line: index }, inferred: true },
    })
    // pageSize 2: the copies land in the same page as their first and in later pages.
    const items = [inferred('x@a', 'X', 1), inferred('x@a', 'X later', 2), inferred('y@a', 'Y', 3), contact('003A', 'Ada'), inferred('x@a', 'X again', 5)]
    const first = await importItems(items)
    expect(first.errors).toEqual([])
    expect(first.records).toMatchObject({ read: 3, new: 3, changed: 0, rejected: 0 })
    const landed = await store.db.selectFrom('source_records').select(['source_id', 'payload']).where('source_id', '=', 'x@a').execute()
    expect(landed).toEqual([{ source_id: 'x@a', payload: { Id: 'x@a', Name: 'X' } }])
    const again = await importItems(items)
    expect(again.records).toMatchObject({ read: 3, new: 0, changed: 0, unchanged: 3, rejected: 0 })
  })

  it('commits large records in smaller pages, so memory is bounded by bytes and not only by count', async () => {
    const big = (id: string) => ({ ...contact(id, 'x'.repeat(3_000_000)) })
    let pages = 0
    const report = await runImport(deps, {
      connector: listConnector(),
      path: 'Contact.csv',
      openSource: () => Promise.resolve(sourceOf(['003B1', '003B2', '003B3', '003B4', '003B5'].map(big))),
      pageSize: 1000,
      onProgress: () => pages++,
    })
    expect(report.records.new).toBe(5)
    expect(pages).toBe(3)
  })

  it('rebuilds canonical records when the normaliser settings change, though the payload did not', async () => {
    await importItems([contact('003A', 'Ada')], { settings: { mapping: { Name: 'fullName' } } })
    const same = await importItems([contact('003A', 'Ada')], { settings: { mapping: { Name: 'fullName' } } })
    expect(same.records).toMatchObject({ unchanged: 1, changed: 0 })
    const remapped = await importItems([contact('003A', 'Ada')], { settings: { mapping: { Name: 'preferredName' } } })
    expect(remapped.records).toMatchObject({ unchanged: 0, changed: 1 })
  })

  it('lets one run per connection proceed at a time and marks a dead run abandoned', async () => {
    if (target.name === 'server') {
      // Another session (a dedicated connection, as another process would have) holds the lock.
      await store.db.connection().execute(async (other) => {
        const held = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext('customer-graph:run:salesforce-export')) as locked`.execute(other)
        expect(held.rows[0]!.locked).toBe(true)
        try {
          await expect(importItems([contact('003A', 'A')])).rejects.toMatchObject({ code: 'E_ALREADY_RUNNING' })
        } finally {
          await sql`select pg_advisory_unlock_all()`.execute(other)
        }
      })
    }
    const dead = await store.db
      .insertInto('connections')
      .values({ id: 'salesforce-export', system: 'salesforce', transport: 'export' })
      .onConflict((conflict) => conflict.doNothing())
      .execute()
      .then(() => store.db.insertInto('sync_runs').values({ connection_id: 'salesforce-export', trigger: 'import', status: 'running' }).returning('id').executeTakeFirstOrThrow())
    await store.db.insertInto('import_seen').values({ run_id: dead.id, object_type: 'Contact', source_id: 'x' }).execute()
    await importItems([contact('003A', 'A')])
    const run = await store.db.selectFrom('sync_runs').select(['status', 'finished_at']).where('id', '=', dead.id).executeTakeFirstOrThrow()
    expect(run.status).toBe('abandoned')
    expect(await store.db.selectFrom('import_seen').selectAll().execute()).toEqual([])
  })

  it('reports an input that cannot be opened as a failed run with its code and location', async () => {
    const missing = Object.assign(new Error('no such file: ./nowhere.zip'), { code: 'E_INPUT_NOT_FOUND', location: { file: './nowhere.zip' } })
    const report = await runImport(deps, { connector: listConnector(), path: './nowhere.zip', openSource: () => Promise.reject(missing) })
    expect(report).toMatchObject({
      status: 'failed',
      records: { read: 0, new: 0 },
      errors: [{ code: 'E_INPUT_NOT_FOUND', location: { file: './nowhere.zip' }, message: 'no such file: ./nowhere.zip' }],
    })
    const run = await store.db.selectFrom('sync_runs').select(['status', 'input']).where('id', '=', report.runId).executeTakeFirstOrThrow()
    expect(run).toEqual({ status: 'failed', input: { path: './nowhere.zip' } })
  })

  it('lands a page whole or not at all', async () => {
    const report = await importItems([contact('003A', 'A'), contact('003B', 'B'), contact('003C', 'C'), contact('003D', 'BREAKS-THE-PAGE')])
    expect(report.status).toBe('failed')
    const ids = await store.db.selectFrom('source_records').select('source_id').orderBy('source_id').execute()
    expect(ids.map((row) => row.source_id)).toEqual(['003A', '003B'])
    const run = await store.db.selectFrom('sync_runs').select('counts').where('id', '=', report.runId).executeTakeFirstOrThrow()
    expect(run.counts).toMatchObject({ new: 2 })
  })

  it('keeps a record the source marks deleted as a tombstone, without flapping on re-import', async () => {
    const tombstone: ExportItem = {
      type: 'record',
      record: { objectType: 'Contact', sourceId: '003Z', payload: { Id: '003Z', Name: 'Gone', IsDeleted: 'true' }, provenance: { file: 'Contact.csv', line: 2 }, deleted: { reason: 'IsDeleted' } },
    }
    await importItems([contact('003Z', 'Gone')])
    const first = await importItems([tombstone])
    expect(first.records).toMatchObject({ changed: 1, deleted: 1 })
    const row = await store.db.selectFrom('source_records').selectAll().where('source_id', '=', '003Z').executeTakeFirstOrThrow()
    expect(row.deletion_evidence).toMatchObject({ reason: 'IsDeleted' })
    const again = await importItems([tombstone])
    expect(again.records).toMatchObject({ changed: 0, unchanged: 1, deleted: 0 })
  })

  it('stores NUL characters and broken surrogates as U+FFFD instead of failing the page', async () => {
    const report = await importItems([
      contact('003N', 'Nul\u0000Name'),
      { type: 'reject', reject: { code: 'E_ENCODING', message: 'bad bytes', location: { file: 'Contact.csv', line: 3, byteOffset: 40 }, raw: 'x\u0000\uD800y' } },
    ])
    expect(report.records).toMatchObject({ new: 1, rejected: 1 })
    const row = await store.db.selectFrom('source_records').select('payload').executeTakeFirstOrThrow()
    expect(row.payload).toEqual({ Id: '003N', Name: 'Nul\uFFFDName' })
    const rejected = await store.db.selectFrom('rejected_records').select('raw').executeTakeFirstOrThrow()
    expect(rejected.raw).toBe('x\uFFFD\uFFFDy')
  })

  it('refuses a connection name that belongs to another system', async () => {
    await store.db.insertInto('connections').values({ id: 'crm', system: 'slack', transport: 'api' }).execute()
    await expect(importItems([contact('003A', 'A')], { connectionId: 'crm' })).rejects.toThrow(/belongs to slack/)
  })
})
