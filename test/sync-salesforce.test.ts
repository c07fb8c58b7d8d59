import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { salesforceApiConnector } from '../src/connectors/salesforce/api.ts'
import { salesforceConnector } from '../src/connectors/salesforce/index.ts'
import { salesforceObjectTypes } from '../src/connectors/salesforce/object-types.ts'
import type { Deps } from '../src/deps.ts'
import { openExportSource } from '../src/formats/export-source.ts'
import { runImport } from '../src/pipeline/run-import.ts'
import type { ConnectionEntry } from '../src/sync/connections-config.ts'
import { QuotaGovernor } from '../src/sync/quota-governor.ts'
import { runSync, type SyncReport, type SyncRequest } from '../src/sync/run-sync.ts'
import { Secret } from '../src/sync/secret.ts'
import { createStreamContext } from '../src/sync/stream-context.ts'
import { startSalesforceFake, type SalesforceFake } from './fakes/salesforce/salesforce-fake.ts'
import { databaseTargets, truncateAll, type TestDatabase } from './support/test-databases.ts'

const BIN = fileURLToPath(new URL('../bin/customer-graph.js', import.meta.url))
/** The fake's clock: after every SystemModstamp of the generated export (seed 1). */
const NOW = new Date('2026-12-01T12:00:00.000Z')
const MINUTE = 60_000
const CONNECTION = 'sf'
/** Records per query page the fake serves (Salesforce's smallest batchSize is 200; the fake goes lower). */
const PAGE = 20
/** Contact (62 records at 100 people) goes through Bulk API 2.0 past this; Lead (29) does not. */
const BULK = { bulkThreshold: 50, bulkPageSize: 20 }

let folder: string
let exportDir: string
/** Every record of the generated export, as its CSV rows (the payload an API record must land as). */
let exported: Map<string, Record<string, string>[]>

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'sync-salesforce-'))
  execFileSync(process.execPath, [BIN, 'generate', join(folder, 'gen'), '--people', '100', '--seed', '1'], { stdio: 'pipe' })
  exportDir = join(folder, 'gen', 'salesforce')
  exported = new Map(salesforceObjectTypes.map((type) => [type, parse<Record<string, string>>(readFileSync(join(exportDir, `${type}.csv`)), { columns: true, bom: true })]))
})

afterAll(() => rmSync(folder, { recursive: true, force: true }))

const total = (): number => [...exported.values()].reduce((sum, rows) => sum + rows.length, 0)

describe.each(databaseTargets())('Salesforce sync through jsforce on the $name database', (target) => {
  let database: TestDatabase
  let fake: SalesforceFake
  let sleeps: number[]

  beforeAll(async () => {
    database = await target.create()
  })
  afterAll(async () => {
    await database.dispose()
  })
  beforeEach(async () => {
    await truncateAll(database.db)
    fake = await startSalesforceFake({ exportFolder: exportDir, now: NOW })
    fake.state.queryPageSize = PAGE
    sleeps = []
  })
  afterEach(async () => {
    await fake.close()
  })

  const deps = (): Deps => ({ db: database.db, clock: fake.state.org.clock, logger: pino({ level: 'silent' }) })

  function oauth(refreshToken = fake.refreshToken): Record<string, unknown> {
    const { clientId, clientSecret } = fake.state.credentials
    return { type: 'oauth_refresh', clientId: new Secret('SF_CLIENT_ID', clientId), clientSecret: new Secret('SF_CLIENT_SECRET', clientSecret), refreshToken: new Secret('SF_REFRESH_TOKEN', refreshToken) }
  }

  function connection(settings: Record<string, unknown> = {}, entry: Partial<ConnectionEntry> = {}): ConnectionEntry {
    return {
      name: CONNECTION,
      connector: salesforceApiConnector,
      settings: salesforceApiConnector.settings.parse({ instanceUrl: fake.instanceUrl, loginUrl: fake.loginUrl, auth: oauth(), bulkPollIntervalMs: 5, ...settings }),
      streams: undefined,
      schedule: undefined,
      runTimeoutMs: 3_600_000,
      retries: 8,
      requestTimeoutMs: 5_000,
      concurrency: 4,
      maxRateLimitWaitMs: 300_000,
      ...entry,
    }
  }

  function sync(entry: ConnectionEntry = connection(), request: Partial<SyncRequest> = {}): Promise<SyncReport> {
    return runSync(deps(), {
      connection: entry,
      sleep: (ms) => {
        sleeps.push(ms)
        return Promise.resolve()
      },
      ...request,
    })
  }

  interface Row {
    object_type: string
    source_id: string
    content_hash: string
    deleted: boolean
    payload: Record<string, string>
    deletion_evidence: { reason: string } | null
  }

  async function rows(): Promise<Row[]> {
    const { rows } = await sql<Row>`
      select object_type, source_id, content_hash, deleted_at is not null as deleted, payload, deletion_evidence
      from source_records where connection_id = ${CONNECTION} and object_type in (${sql.join([...salesforceObjectTypes])})
      order by object_type, source_id`.execute(database.db)
    return rows
  }

  async function row(objectType: string, id: string): Promise<Row | undefined> {
    return (await rows()).find((each) => each.object_type === objectType && each.source_id === id)
  }

  async function cursors(): Promise<Record<string, unknown>> {
    const { rows } = await sql<{ stream: string; cursor: unknown }>`select stream, cursor from sync_state where connection_id = ${CONNECTION} order by stream`.execute(database.db)
    return Object.fromEntries(rows.map((each) => [each.stream, each.cursor]))
  }

  const stream = (report: SyncReport, name: string) => report.streams.find((each) => each.name === name)
  const idOf = (type: string, index: number): string => exported.get(type)?.[index]?.Id ?? ''
  const callsSince = (start: number) => fake.state.calls.slice(start)

  describe('full and incremental reads', () => {
    it('lands every record of the org in a first sync, each payload exactly the export’s row', async () => {
      const report = await sync()
      expect(report.status).toBe('succeeded')
      expect(report.streams.map((each) => [each.name, each.status, each.fromStart])).toEqual(salesforceObjectTypes.map((type) => [type, 'succeeded', true]))
      // (read and new also count the organisations the pipeline derives from email domains)
      expect(report.records).toMatchObject({ changed: 0, unchanged: 0, rejected: 0, deleted: 0 })
      expect(report.records.new).toBe(report.records.read)
      const landed = await rows()
      expect(landed).toHaveLength(total())
      for (const [type, exportRows] of exported) {
        const ofType = landed.filter((each) => each.object_type === type)
        expect(ofType.map((each) => each.payload)).toEqual(expect.arrayContaining(exportRows))
        expect(ofType).toHaveLength(exportRows.length)
      }
      // pages of PAGE records through nextRecordsUrl
      const pages = (type: string) => Math.ceil(exported.get(type)!.length / PAGE)
      expect(report.streams.map((each) => each.pages)).toEqual(salesforceObjectTypes.map(pages))
      expect(fake.state.callsTo(/\/query\/01g/)).toHaveLength(salesforceObjectTypes.reduce((sum, type) => sum + pages(type) - 1, 0))
      expect(fake.state.callsTo(/\/jobs\/query/)).toHaveLength(0)
    })

    it('reads only what changed in the second sync, and lands the changes made in between', async () => {
      await sync()
      const contact = idOf('Contact', 0)
      const account = idOf('Account', 1)
      fake.state.org.update('Contact', contact, { Title: 'Chief Customer Officer' })
      fake.state.org.update('Account', account, {}, { systemOnly: true })
      const lead = fake.state.org.insert('Lead', { LastName: 'Newman', Company: 'Acme', Email: 'newman@acme.example', Status: 'Open - Not Contacted' })
      const start = fake.state.calls.length
      const report = await sync()
      expect(report.status).toBe('succeeded')
      expect([stream(report, 'Contact')?.records.changed, stream(report, 'Account')?.records.changed, stream(report, 'Lead')?.records.new]).toEqual([1, 1, 1])
      expect(report.streams.filter((each) => each.records.read > 0).map((each) => each.name)).toEqual(['Account', 'Contact', 'Lead'])
      expect((await row('Contact', contact))?.payload.Title).toBe('Chief Customer Officer')
      expect((await row('Lead', String(lead.Id)))?.payload).toMatchObject({ LastName: 'Newman', IsDeleted: 'false', SystemModstamp: '2026-12-01T12:00:03.000Z' })
      // per object: a describe and one keyset query after the saved position; no COUNT, no full read
      const calls = callsSince(start).filter((call) => call.path.startsWith('/services/data/'))
      expect(calls.filter((call) => call.soql?.includes('COUNT()'))).toEqual([])
      const queries = calls.filter((call) => call.path.endsWith('/queryAll'))
      expect(queries).toHaveLength(salesforceObjectTypes.length)
      for (const query of queries) expect(query.soql).toMatch(/ WHERE SystemModstamp > \S+ OR \(SystemModstamp = \S+ AND Id > '\w{18}'\) ORDER BY SystemModstamp, Id$/)
      expect(calls).toHaveLength(2 * salesforceObjectTypes.length)

      // records younger than modstampLagMs (5 minutes) when read are read once more, unchanged
      fake.state.org.clock.advance(10 * MINUTE)
      const third = await sync()
      expect(third.records).toMatchObject({ new: 0, changed: 0 })
      expect(third.streams.filter((each) => each.records.read > 0).map((each) => each.name)).toEqual(['Account', 'Contact', 'Lead'])
      const fourth = await sync()
      expect(fourth.records.read).toBe(0)
    })

    it('pages records that share one SystemModstamp across a checkpoint by Id, none lost and none twice', async () => {
      await sync()
      fake.state.queryPageSize = 3
      const ids = exported.get('Contact')!.slice(10, 17).map((each) => each.Id ?? '')
      fake.state.org.setSystemModstamp('Contact', ids, '2026-12-01T11:30:00.000Z')
      const crashed = await sync(connection({}, { streams: ['Contact'] }), {
        onProgress: (progress) => {
          if (progress.pages === 1) throw new Error('the process died after the first page')
        },
      })
      expect(stream(crashed, 'Contact')).toMatchObject({ status: 'failed', pages: 1, records: { changed: 3 } })
      const start = fake.state.calls.length
      const resumed = await sync(connection({}, { streams: ['Contact'] }))
      expect(stream(resumed, 'Contact')).toMatchObject({ status: 'succeeded', records: { changed: 4, new: 0 } })
      const sorted = [...ids].sort()
      expect(callsSince(start).find((call) => call.path.endsWith('/queryAll'))?.soql).toContain(`(SystemModstamp = 2026-12-01T11:30:00Z AND Id > '${sorted[2]}')`)
      expect((await cursors()).Contact).toMatchObject({ after: { systemModstamp: '2026-12-01T11:30:00.000Z', id: sorted[6] } })
      const landed = await rows()
      for (const id of ids) expect(landed.find((each) => each.source_id === id)?.payload.SystemModstamp).toBe('2026-12-01T11:30:00.000Z')
    })

    it('reads nothing from a cursor in the far future', async () => {
      await sync()
      const far = { phase: 'changes', after: { systemModstamp: '2999-01-01T00:00:00.000Z', id: idOf('Contact', 0) }, deletedUntil: '2999-01-01T00:00:00.000Z' }
      await sql`update sync_state set cursor = ${JSON.stringify(far)}::jsonb where connection_id = ${CONNECTION}`.execute(database.db)
      fake.state.org.update('Contact', idOf('Contact', 3), { Title: 'Changed, but before the cursor' })
      fake.state.org.clock.advance(10 * MINUTE)
      const start = fake.state.calls.length
      const report = await sync()
      expect(report.status).toBe('succeeded')
      expect(report.records.read).toBe(0)
      expect(report.streams.every((each) => each.pages === 0)).toBe(true)
      expect(callsSince(start).filter((call) => call.path.includes('/deleted'))).toEqual([])
      expect(Object.values(await cursors())).toEqual(salesforceObjectTypes.map(() => far))
    })

    it('fails a stream whose saved cursor is malformed with E_STATE_INVALID and leaves the cursor as it was', async () => {
      await sync()
      const garbage = { phase: 'changes', after: 'yesterday' }
      await sql`update sync_state set cursor = ${JSON.stringify(garbage)}::jsonb where connection_id = ${CONNECTION} and stream = 'Contact'`.execute(database.db)
      const report = await sync()
      expect(report.status).toBe('partial')
      expect(stream(report, 'Contact')).toMatchObject({ status: 'failed', pages: 0, errors: [{ code: 'E_STATE_INVALID' }] })
      expect(stream(report, 'Contact')?.errors[0]?.message).toContain('cursor.after')
      expect(report.streams.filter((each) => each.status === 'succeeded')).toHaveLength(salesforceObjectTypes.length - 1)
      expect((await cursors()).Contact).toEqual(garbage)
    })
    it('rejects a record it cannot read, with where it was read, and lands the records around it', async () => {
      const broken = idOf('Contact', 2)
      fake.state.org.record('Contact', broken).Id = 'not-an-id'
      const report = await sync(connection({}, { streams: ['Contact'] }))
      expect(stream(report, 'Contact')).toMatchObject({ status: 'partial', records: { rejected: 1 } })
      expect(stream(report, 'Contact')?.errors).toEqual([
        { code: 'E_SF_ID', location: { endpoint: 'queryAll Contact', page: expect.any(Number) }, message: expect.stringContaining('Id "not-an-id" is not a Salesforce record id') },
      ])
      expect((await rows()).filter((each) => each.object_type === 'Contact')).toHaveLength(exported.get('Contact')!.length - 1)
      const { rows: rejected } = await sql<{ code: string }>`select code from rejected_records`.execute(database.db)
      expect(rejected.map((each) => each.code)).toEqual(['E_SF_ID'])
    })

    it('queries again from the last record landed when Salesforce drops the query locator', async () => {
      const report = await sync(connection({}, { streams: ['Contact'] }), {
        // the locator of the listing is gone before its second page (15 minutes idle, too many cursors)
        onProgress: (progress) => void (progress.pages === 1 && fake.state.cursors.clear()),
      })
      expect(stream(report, 'Contact')).toMatchObject({ status: 'succeeded', fromStart: true, deletions: [{ missing: 0 }] })
      expect(fake.state.calls.filter((call) => call.status === 400)).toHaveLength(1)
      const again = fake.state.callsTo(/\/queryAll$/).at(-1)?.soql
      expect(again).toMatch(/WHERE SystemModstamp > \S+ OR \(SystemModstamp = \S+ AND Id > '\w{18}'\)/)
      expect((await rows()).filter((each) => each.object_type === 'Contact')).toHaveLength(exported.get('Contact')!.length)
    })
  })

  describe('deletions', () => {
    it('lands recycle-bin deletes (IsDeleted) and hard deletes (getDeleted) as soft deletes, and an undelete revives', async () => {
      await sync()
      const binned = idOf('Contact', 5)
      const purged = idOf('Contact', 6)
      fake.state.org.delete('Contact', binned)
      fake.state.org.hardDelete('Contact', purged)
      // getDeleted answers for whole minutes up to Salesforce's now
      fake.state.org.clock.advance(5 * MINUTE)
      const report = await sync()
      expect(stream(report, 'Contact')?.records).toMatchObject({ deleted: 2 })
      expect(await row('Contact', binned)).toMatchObject({ deleted: true, deletion_evidence: { reason: 'IsDeleted' }, payload: { IsDeleted: 'true', LastName: exported.get('Contact')![5]!.LastName } })
      // Only its Id is left in Salesforce: the landed copy is marked deleted and keeps what it last said.
      expect(await row('Contact', purged)).toMatchObject({
        deleted: true,
        deletion_evidence: { reason: 'getDeleted', source_deleted_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
        payload: { Id: purged, IsDeleted: 'false', LastName: exported.get('Contact')![6]!.LastName },
      })
      expect(fake.state.callsTo(/\/sobjects\/Contact\/deleted/)).toHaveLength(1)
      expect(fake.state.callsTo(/\/sobjects\/User\/deleted/)).toHaveLength(0)

      fake.state.org.undelete('Contact', binned)
      const revived = await sync()
      expect(stream(revived, 'Contact')?.records).toMatchObject({ changed: 1 })
      expect(await row('Contact', binned)).toMatchObject({ deleted: false, deletion_evidence: null, payload: { IsDeleted: 'false' } })
    })

    it('reads the object again and infers deletions when the delete log no longer reaches back to the cursor', async () => {
      await sync()
      const purged = idOf('Contact', 7)
      fake.state.org.hardDelete('Contact', purged)
      fake.state.org.clock.advance(5 * MINUTE)
      fake.state.org.purgeDeleteLog(fake.state.org.clock.now())
      fake.state.org.clock.advance(5 * MINUTE)
      const report = await sync()
      const contact = stream(report, 'Contact')
      expect(contact).toMatchObject({ status: 'succeeded', fromStart: true, deletions: [{ objectType: 'Contact', missing: 1, applied: true }] })
      expect(contact?.errors).toEqual([{ code: 'W_CURSOR_EXPIRED', location: { endpoint: 'Contact getDeleted' }, message: expect.stringContaining('delete log does not reach back') }])
      expect(await row('Contact', purged)).toMatchObject({ deleted: true, deletion_evidence: { reason: 'missing_from_complete_export' } })
      // User cannot be deleted, so it has no delete log to outlive
      expect(stream(report, 'User')).toMatchObject({ fromStart: false, errors: [] })
    })
  })

  describe('resuming', () => {
    async function snapshot(): Promise<{ rows: unknown[]; cursors: Record<string, unknown> }> {
      return { rows: (await rows()).map(({ object_type, source_id, content_hash, deleted }) => ({ object_type, source_id, content_hash, deleted })), cursors: await cursors() }
    }

    it.each([
      { path: 'REST queryAll', settings: {} },
      { path: 'a Bulk API 2.0 job', settings: BULK },
    ])('resumes from every checkpoint of a first sync through $path and ends as an uninterrupted sync', async ({ settings }) => {
      const entry = () => connection(settings, { streams: ['Contact', 'Lead'] })
      const uninterrupted = await sync(entry())
      expect(uninterrupted.status).toBe('succeeded')
      // one more sync on each side: after a Bulk load the next read takes the newest stamp again
      await sync(entry())
      const expected = await snapshot()
      const checkpoints = uninterrupted.streams.flatMap((each) => Array.from({ length: each.pages }, (_, index) => ({ name: each.name, page: index + 1 })))
      expect(checkpoints.length).toBeGreaterThanOrEqual(6)
      for (const checkpoint of checkpoints) {
        await truncateAll(database.db)
        const crashed = await sync(entry(), {
          onProgress: (progress) => {
            if (progress.stream === checkpoint.name && progress.pages === checkpoint.page) throw new Error(`died after page ${checkpoint.page}`)
          },
        })
        expect(stream(crashed, checkpoint.name)?.status).toBe('failed')
        const resumed = await sync(entry())
        expect(resumed.status, `resumed after ${checkpoint.name} page ${checkpoint.page}`).toBe('succeeded')
        await sync(entry())
        expect(await snapshot(), `resumed after ${checkpoint.name} page ${checkpoint.page}`).toEqual(expected)
      }
    })

    it('stops waiting for a slow Bulk job after bulkPollTimeoutMs, and the next sync waits for the same job', async () => {
      fake.state.bulkPollsUntilComplete = 1_000_000
      const entry = () => connection({ ...BULK, bulkPollIntervalMs: 20, bulkPollTimeoutMs: 150 }, { streams: ['Contact'] })
      const waiting = await sync(entry())
      expect(stream(waiting, 'Contact')).toMatchObject({ status: 'failed', pages: 1, errors: [{ code: 'E_SOURCE_UNAVAILABLE', location: { endpoint: 'bulk2 Contact' } }] })
      const job = ((await cursors()).Contact as { jobId: string }).jobId
      fake.state.bulkPollsUntilComplete = 0
      const done = await sync(entry())
      expect(stream(done, 'Contact')).toMatchObject({ status: 'succeeded', fromStart: false })
      expect(fake.state.callsTo(/\/jobs\/query$/)).toHaveLength(1)
      expect(fake.state.callsTo(new RegExp(`/jobs/query/${job}/results`)).length).toBeGreaterThan(0)
      expect((await rows()).filter((each) => each.object_type === 'Contact')).toHaveLength(exported.get('Contact')!.length)
    })

    it('starts a Bulk load again when its job is gone, and falls back to REST when a job fails', async () => {
      const entry = () => connection(BULK, { streams: ['Contact'] })
      const crashed = await sync(entry(), {
        onProgress: () => {
          throw new Error('died after the job was created')
        },
      })
      expect((await cursors()).Contact).toMatchObject({ phase: 'bulk', locator: null })
      expect(stream(crashed, 'Contact')?.pages).toBe(1)
      fake.state.jobs.clear()
      const restarted = await sync(entry())
      expect(stream(restarted, 'Contact')).toMatchObject({ status: 'succeeded', fromStart: true, errors: [{ code: 'W_CURSOR_EXPIRED' }] })
      expect((await rows()).filter((each) => each.object_type === 'Contact')).toHaveLength(exported.get('Contact')!.length)

      await truncateAll(database.db)
      fake.state.failNextBulkJobs(1)
      const fellBack = await sync(entry())
      expect(stream(fellBack, 'Contact')).toMatchObject({ status: 'succeeded', fromStart: true, deletions: [{ objectType: 'Contact', missing: 0 }] })
      expect((await rows()).filter((each) => each.object_type === 'Contact')).toHaveLength(exported.get('Contact')!.length)
      expect(fake.state.callsTo(/\/queryAll$/).some((call) => call.soql?.endsWith('ORDER BY SystemModstamp, Id'))).toBe(true)
    })
  })

  describe('faults', () => {
    const accounts = () => connection({}, { streams: ['Account'] })

    it('waits out a storm of REQUEST_LIMIT_EXCEEDED answers', async () => {
      fake.state.requestLimitNext(3, /queryAll/)
      const report = await sync(accounts())
      expect(report.status).toBe('succeeded')
      expect(report.records.new).toBe(exported.get('Account')!.length)
      expect(fake.state.calls.filter((call) => call.fault === 'requestLimit')).toHaveLength(3)
      expect(sleeps.slice(0, 3)).toEqual([1000, 2000, 4000])
    })

    it('reschedules when the org’s daily allocation runs out, without another call', async () => {
      // other clients of the org use up what is left while the first stream runs
      const report = await sync(connection(), { onProgress: () => void (fake.state.apiUsage.max = fake.state.apiUsage.used) })
      expect(stream(report, 'Account')?.status).toBe('succeeded')
      expect(stream(report, 'Contact')).toMatchObject({ status: 'rescheduled', errors: [{ code: 'E_RATE_LIMITED' }] })
      expect(report.streams.slice(1).every((each) => each.status === 'rescheduled')).toBe(true)
      const retryAt = Date.parse(stream(report, 'Contact')?.retryAt ?? '')
      expect(retryAt - NOW.getTime()).toBeGreaterThanOrEqual(15 * MINUTE)
      // one 403; then its usage header (N of N) says the allocation is used up: no request until it frees
      expect(fake.state.calls.filter((call) => call.status === 403)).toHaveLength(1)
      expect(fake.state.calls.at(-1)).toMatchObject({ path: '/services/data/v62.0/sobjects/Contact/describe', status: 403 })
    })

    it('stops at the API usage ceiling before the allocation is used up, until the excess has aged out', async () => {
      await fake.close()
      fake = await startSalesforceFake({ exportFolder: exportDir, now: NOW, apiUsed: 7_990, apiLimit: 10_000 })
      fake.state.queryPageSize = PAGE
      const report = await sync(connection({ apiUsageCeiling: 0.8 }))
      expect(report.streams.slice(0, 2).map((each) => each.status)).toEqual(['succeeded', 'succeeded'])
      const stopped = report.streams.filter((each) => each.status === 'rescheduled')
      expect(stopped.map((each) => each.name)).toEqual(salesforceObjectTypes.slice(2))
      // no request after the first one past the ceiling: 8,001 of 10,000
      expect(fake.state.apiUsage.used).toBe(8_001)
      // 24 h × 1 / 8,001 is under the floor of 15 minutes
      expect(stopped.map((each) => Date.parse(each.retryAt ?? '') - NOW.getTime())).toEqual(stopped.map(() => 15 * MINUTE))
    })

    it('retries 5xx answers, connection resets and closes', async () => {
      fake.state.failNext(2, 503, /queryAll/)
      fake.state.resetNext(1, /describe/)
      fake.state.closeNext(1, /describe/)
      const report = await sync(accounts())
      expect(report.status).toBe('succeeded')
      // the token, the describe (reset, closed, answered), the COUNT() (503 twice, answered), the query
      expect(fake.state.calls.map((call) => call.fault ?? call.status)).toEqual([200, 'reset', 'close', 200, 'serverError', 'serverError', 200, 200])
    })

    it('retries a body cut off by a closed connection, and the process lives on', async () => {
      fake.state.truncateAndCloseNext(2, /queryAll/)
      const report = await sync(accounts())
      expect(report.status).toBe('succeeded')
      expect(report.records.new).toBe(exported.get('Account')!.length)
      expect(fake.state.calls.filter((call) => call.fault === 'truncateAndClose')).toHaveLength(2)
    })

    it('times out a request that never answers and one whose body stalls, then retries them', async () => {
      fake.state.hangNext(1, /describe/)
      fake.state.truncateNext(1, /queryAll/)
      const report = await sync(connection({}, { streams: ['Account'], requestTimeoutMs: 300 }))
      expect(report.status).toBe('succeeded')
      expect(report.records.new).toBe(exported.get('Account')!.length)
      expect(fake.state.calls.filter((call) => call.fault === 'hang' || call.fault === 'truncate')).toHaveLength(2)
    })

    it('fails fast on another 4xx: an object the user cannot see', async () => {
      fake.state.org.tables.delete('Lead')
      const report = await sync()
      expect(report.status).toBe('partial')
      expect(stream(report, 'Lead')).toMatchObject({ status: 'failed', errors: [{ code: 'E_SOURCE', location: { endpoint: 'Lead describe' } }] })
      expect(stream(report, 'Lead')?.errors[0]?.message).toContain('NOT_FOUND')
      expect(fake.state.callsTo(/\/sobjects\/Lead\//)).toHaveLength(1)
      expect(report.streams.filter((each) => each.status === 'succeeded')).toHaveLength(salesforceObjectTypes.length - 1)
    })
  })

  describe('credentials', () => {
    function assertNoSecret(report: SyncReport, secrets: string[]): void {
      const text = JSON.stringify(report)
      for (const secret of secrets) expect(text).not.toContain(secret)
    }

    it('gives E_AUTH for a refused access token, without the token', async () => {
      const token = `${fake.accessToken.slice(0, 20)}WRONG`
      const report = await sync(connection({ auth: { type: 'access_token', accessToken: new Secret('SF_TOKEN', token) } }))
      expect(report.status).toBe('failed')
      expect(stream(report, 'Account')).toMatchObject({ status: 'failed', errors: [{ code: 'E_AUTH' }] })
      expect(stream(report, 'Account')?.errors[0]?.message).toContain('INVALID_SESSION_ID')
      assertNoSecret(report, [token])
      const { rows: runs } = await sql<{ error: unknown }>`select error from sync_runs`.execute(database.db)
      expect(JSON.stringify(runs)).not.toContain(token)
    })

    it('gives E_AUTH for a refused refresh token, without it or the client secret', async () => {
      const report = await sync(connection({ auth: oauth('5Aep-not-a-valid-refresh-token') }))
      expect(stream(report, 'Account')).toMatchObject({ status: 'failed', errors: [{ code: 'E_AUTH' }] })
      expect(stream(report, 'Account')?.errors[0]?.message).toContain('invalid_grant')
      assertNoSecret(report, ['5Aep-not-a-valid-refresh-token', fake.state.credentials.clientSecret])
    })

    it('refreshes an expired session once, and stops when the refreshed one is refused too', async () => {
      const entry = connection({}, { streams: ['Account', 'Contact'] })
      const grants = () => fake.state.calls.filter((call) => call.grantType === 'refresh_token').length
      // the sessions expire after the first stream: the second one's first request gets a 401
      const refreshed = await sync(entry, { onProgress: (progress) => progress.stream === 'Account' && fake.state.expireSessions() })
      expect(refreshed.status).toBe('succeeded')
      expect(fake.state.calls.filter((call) => call.status === 401).map((call) => call.path)).toEqual(['/services/data/v62.0/sobjects/Contact/describe'])
      expect(grants()).toBe(2)

      fake.state.rejectNewSessions = true
      const refused = await sync(entry)
      expect(refused.status).toBe('failed')
      expect(stream(refused, 'Account')).toMatchObject({ status: 'failed', errors: [{ code: 'E_AUTH' }] })
      expect(stream(refused, 'Account')?.errors[0]?.message).toContain('not refreshing again')
      // the run's session, then no refresh after its 401 — not jsforce's refresh on every 401
      expect(grants()).toBe(3)
      assertNoSecret(refused, [fake.refreshToken, fake.state.credentials.clientSecret])
    })
  })

  describe('check', () => {
    async function context(entry: ConnectionEntry) {
      const session = await entry.connector.open(entry.settings, { logger: pino({ level: 'silent' }), connection: CONNECTION })
      const ctx = createStreamContext({
        connection: CONNECTION,
        session,
        governor: new QuotaGovernor(1),
        requestTimeoutMs: 5_000,
        maxRateLimitWaitMs: 0,
        full: false,
        secrets: [],
        sleep: () => Promise.resolve(),
        now: () => NOW,
        logger: pino({ level: 'silent' }),
      })
      return { session, ctx }
    }

    it('names the integration user and org, and every object it may query, with the API usage, in three calls', async () => {
      const { session, ctx } = await context(connection({ auth: { type: 'access_token', accessToken: new Secret('SF_TOKEN', fake.accessToken) } }))
      const result = await session.check(ctx)
      const user = fake.state.org.record('User', fake.state.userId)
      expect(result.identity).toBe(`${String(user.Name)} <${String(user.Username)}> (user ${fake.state.userId})`)
      expect(result.account).toBe(`org ${fake.state.orgId} at ${fake.instanceUrl}`)
      expect(result.scopes).toEqual([
        ...salesforceObjectTypes.map((type) => ({ name: `${type}: query`, granted: true, neededBy: [type] })),
        { name: 'API requests: 2 of 15000 used in the last 24 hours (apiUsageCeiling 80%)', granted: true, neededBy: [...salesforceObjectTypes] },
      ])
      expect(fake.state.calls.map((call) => call.path)).toEqual(['/services/data/v62.0/', `/id/${fake.state.orgId}/${fake.state.userId}`, '/services/data/v62.0/sobjects'])
    })

    it('reports a missing object and an org past the usage ceiling as scopes not granted', async () => {
      await fake.close()
      fake = await startSalesforceFake({ exportFolder: exportDir, now: NOW, apiUsed: 9_500, apiLimit: 10_000 })
      fake.state.org.tables.delete('Lead')
      const { session, ctx } = await context(connection())
      const result = await session.check(ctx)
      expect(result.scopes.find((scope) => scope.name === 'Lead: query')).toEqual({ name: 'Lead: query', granted: false, neededBy: ['Lead'] })
      expect(result.scopes.filter((scope) => !scope.granted).map((scope) => scope.name)).toEqual(['Lead: query', 'API requests: 9501 of 10000 used in the last 24 hours (apiUsageCeiling 80%)'])
    })
  })

  describe('export and API converge', () => {
    it('lands no duplicate after an export import and an API sync of the same org, and changes nothing', async () => {
      const imported = await runImport(deps(), { connector: salesforceConnector, path: exportDir, openSource: () => openExportSource(exportDir), connectionId: CONNECTION })
      expect(imported.status).toBe('succeeded')
      const before = await rows()
      expect(before).toHaveLength(total())
      const report = await sync()
      expect(report.status).toBe('succeeded')
      expect(report.records).toMatchObject({ new: 0, changed: 0, rejected: 0, deleted: 0 })
      expect(report.records.unchanged).toBe(report.records.read)
      expect(report.records.read).toBeGreaterThanOrEqual(total())
      const { rows: duplicates } = await sql`select connection_id, object_type, source_id, count(*) from source_records group by 1, 2, 3 having count(*) > 1`.execute(database.db)
      expect(duplicates).toEqual([])
      expect(await rows()).toEqual(before)
    })

    it('lands through a Bulk load the same payloads as the export', async () => {
      const report = await sync(connection(BULK))
      expect(report.status).toBe('succeeded')
      expect(fake.state.callsTo(/\/jobs\/query$/).map((call) => call.soql?.split(' FROM ')[1])).toEqual(['Contact'])
      const contacts = (await rows()).filter((each) => each.object_type === 'Contact')
      expect(contacts.map((each) => each.payload)).toEqual(expect.arrayContaining(exported.get('Contact')!))
      expect(contacts).toHaveLength(exported.get('Contact')!.length)
    })
  })
})
