import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { workdayApiConnector } from '../src/connectors/workday/api.ts'
import { workdayConnector } from '../src/connectors/workday/index.ts'
import type { Deps } from '../src/deps.ts'
import { openExportSource } from '../src/formats/export-source.ts'
import { generateCompany } from '../src/generate/generate-company.ts'
import { createLogger } from '../src/logger.ts'
import { runImport } from '../src/pipeline/run-import.ts'
import { parseConnectionsFile, type ConnectionEntry } from '../src/sync/connections-config.ts'
import { catalogOf } from '../src/sync/load-connections.ts'
import { QuotaGovernor } from '../src/sync/quota-governor.ts'
import { runSync, type SyncReport, type SyncRequest } from '../src/sync/run-sync.ts'
import { createStreamContext } from '../src/sync/stream-context.ts'
import { hireWorker, loadWorkdayTenantData, terminateWorker, updateWorker } from './fakes/workday/tenant.ts'
import { defaultBasic, defaultOAuth, startWorkdayFake, type WorkdayFake, type WorkdayFakeOptions } from './fakes/workday/workday-fake.ts'
import { databaseTargets, truncateAll, type TestDatabase } from './support/test-databases.ts'

/**
 * The Workday connector end to end: runSync with the connector's real fetch client against the fake
 * tenant (test/fakes/workday), on both databases. The fake serves the company the generator wrote, so
 * the export import of the same files must meet the sync's records without duplicates.
 */

const CONNECTION = 'acme-workday'
const ENV = {
  WD_USER: defaultBasic.username,
  WD_PASSWORD: defaultBasic.password,
  WD_CLIENT_ID: defaultOAuth.clientId,
  WD_CLIENT_SECRET: defaultOAuth.clientSecret,
  WD_REFRESH_TOKEN: defaultOAuth.refreshToken,
  WD_BAD_PASSWORD: 'wrong-password-canary',
  WD_BAD_REFRESH: 'revoked-refresh-canary',
}
/** The one organisation the workers' work domain implies: an inferred record the sync lands and counts with them. */
const ORGANISATIONS = 1
const basicAuth = { type: 'basic', username: '${WD_USER}', password: '${WD_PASSWORD}' }
const report = { owner: 'ISU_CustomerGraph', name: 'CG_Workers', pageSize: 7 }

let work: string
let company: string
let fake: WorkdayFake | undefined

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sync-workday-'))
  company = path.join(work, 'company')
  await generateCompany({ dir: company, people: 200, seed: 1 })
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function start(options: Partial<WorkdayFakeOptions> = {}): Promise<WorkdayFake> {
  fake = await startWorkdayFake({ data: await loadWorkdayTenantData(path.join(company, 'workday')), clock: () => Date.parse('2100-01-01T00:00:00Z'), ...options })
  return fake
}
function started(): WorkdayFake {
  if (!fake) throw new Error('start the fake first')
  return fake
}

/** The connection as customer-graph.yaml would state it (JSON is YAML), parsed by the real loader. */
function connection(settings: Record<string, unknown> = {}): ConnectionEntry {
  const entry = { system: 'workday', host: started().baseUrl, tenant: started().tenant, auth: basicAuth, report, requestTimeoutMs: 2000, ...settings }
  const file = parseConnectionsFile(JSON.stringify({ connections: { [CONNECTION]: entry } }), 'customer-graph.yaml', ENV, catalogOf())
  return file.connections[CONNECTION]!
}
const restOnly = (extra: Record<string, unknown> = {}) => connection({ report: undefined, rest: { limit: 7 }, ...extra })

const activeWorkers = () => started().state.data.workers.filter((worker) => worker.entry.Active_Status !== '0')
const employeeIds = () => started().state.data.workers.map((worker) => String(worker.entry.Employee_ID))

describe.each(databaseTargets())('Workday live sync ($name)', (target) => {
  let store: TestDatabase
  let deps: Deps
  let time: number
  let sleeps: number[]

  beforeAll(async () => {
    store = await target.create()
  })
  afterAll(async () => {
    await store.dispose()
  })
  beforeEach(async () => {
    await truncateAll(store.db)
    time = Date.parse('2100-01-02T00:00:00Z')
    sleeps = []
    deps = { db: store.db, clock: { now: () => new Date(time) }, logger: createLogger('silent') }
  })

  /** A sync whose waits pass at once (the clock moves on by what was slept). */
  function sync(entry: ConnectionEntry, extra: Partial<SyncRequest> = {}): Promise<SyncReport> {
    time += 60_000
    return runSync(deps, {
      connection: entry,
      sleep: (ms) => {
        sleeps.push(ms)
        time += ms
        return Promise.resolve()
      },
      ...extra,
    })
  }

  async function sourceRecords(): Promise<{ object_type: string; source_id: string; content_hash: string; deleted: boolean }[]> {
    const { rows } = await sql<{ object_type: string; source_id: string; content_hash: string; deleted: boolean }>`
      select object_type, source_id, content_hash, deleted_at is not null as deleted from source_records
      where connection_id = ${CONNECTION} and not inferred order by object_type, source_id`.execute(store.db)
    return rows
  }

  async function duplicates(): Promise<unknown[]> {
    const { rows } = await sql`select connection_id, object_type, source_id, count(*) from source_records group by 1, 2, 3 having count(*) > 1`.execute(store.db)
    return rows
  }

  async function savedCursor(stream: string): Promise<unknown> {
    const row = await store.db.selectFrom('sync_state').select('cursor').where('connection_id', '=', CONNECTION).where('stream', '=', stream).executeTakeFirst()
    return row?.cursor
  }

  async function writeCursor(stream: string, cursor: unknown): Promise<void> {
    await sql`insert into connections (id, system, transport) values (${CONNECTION}, 'workday', 'api') on conflict do nothing`.execute(store.db)
    await sql`insert into sync_state (connection_id, stream, cursor) values (${CONNECTION}, ${stream}, ${JSON.stringify(cursor)}::jsonb)
      on conflict (connection_id, stream) do update set cursor = excluded.cursor`.execute(store.db)
  }

  describe('the report stream', () => {
    it('lands every worker of the report, normalised; a second sync changes nothing; changes, hires, terminations and removals land', async () => {
      await start()
      const entry = connection()
      const first = await sync(entry)
      expect(first.status).toBe('succeeded')
      expect(first.streams).toMatchObject([{ name: 'report', status: 'succeeded', pages: 5, fromStart: true, records: { read: 30 + ORGANISATIONS, new: 30 + ORGANISATIONS, rejected: 0 } }])
      const landed = await sourceRecords()
      expect(landed.map((row) => row.source_id)).toEqual([...employeeIds()].sort())
      expect(landed.every((row) => row.object_type === 'worker' && !row.deleted)).toBe(true)
      const { rows: people } = await sql<{ count: number }>`select count(*)::int as count from canonical_records where kind = 'person'`.execute(store.db)
      expect(people[0]!.count).toBe(30)
      expect(await savedCursor('report')).toBeNull()

      const second = await sync(entry)
      expect(second.streams[0]!.records).toMatchObject({ new: 0, changed: 0, unchanged: 30 + ORGANISATIONS, deleted: 0 })
      // RaaS has no "changed since" of its own: every sync reads the report once, whole.
      expect(started().state.callsOf('raas')).toHaveLength(2)

      const data = started().state.data
      const [changed, terminated, removed] = [employeeIds()[3]!, employeeIds()[4]!, employeeIds()[5]!]
      updateWorker(data, changed, { businessTitle: 'Chief Tester' }, time)
      terminateWorker(data, terminated, '2099-12-31', time)
      data.workers.splice(data.workers.findIndex((worker) => worker.entry.Employee_ID === removed), 1)
      hireWorker(data, { Employee_ID: 'E-NEW-1', Worker: 'Nova Hire', 'Legal_Name_-_First_Name': 'Nova', 'Legal_Name_-_Last_Name': 'Hire', 'Email_-_Work': 'nova.hire@example.com' }, time)
      const third = await sync(entry)
      // The hire's e-mail domain implies a second organisation.
      expect(third.streams[0]!.records).toMatchObject({ new: 1 + 1, changed: 2, unchanged: 27 + ORGANISATIONS })
      expect(third.streams[0]!.deletions).toEqual([{ objectType: 'worker', live: 30, missing: 1, applied: true }])
      const after = new Map((await sourceRecords()).map((row) => [row.source_id, row]))
      expect(after.get(removed)?.deleted).toBe(true)
      expect(after.get('E-NEW-1')?.deleted).toBe(false)
      const { rows } = await sql<{ payload: Record<string, unknown>; evidence: unknown }>`
        select payload, deletion_evidence as evidence from source_records where source_id in (${changed}, ${removed}) order by source_id = ${removed}`.execute(store.db)
      expect(rows[0]!.payload.businessTitle).toBe('Chief Tester')
      expect(rows[1]!.evidence).toMatchObject({ reason: 'missing_from_complete_export' })
    })

    it('resumes after a stop at every page: the rerun reads the report again and ends equal to an uninterrupted sync', async () => {
      await start()
      const entry = connection()
      await sync(entry)
      const uninterrupted = await sourceRecords()
      for (let stopAfter = 1; stopAfter < 5; stopAfter++) {
        await truncateAll(store.db)
        const stopped = await sync(entry, {
          onProgress: (progress) => {
            if (progress.pages === stopAfter) throw new Error(`stopped after page ${stopAfter}`)
          },
        })
        expect(stopped.streams[0]).toMatchObject({ status: 'failed', pages: stopAfter })
        expect(await sourceRecords()).toHaveLength(stopAfter * 7)
        const rerun = await sync(entry)
        expect(rerun.streams[0]).toMatchObject({ status: 'succeeded', fromStart: true })
        expect(await sourceRecords()).toEqual(uninterrupted)
        expect(await duplicates()).toEqual([])
      }
    })

    it('retries 5xx, resets, truncated answers and one that stalls midway, and waits out 429s with their Retry-After', async () => {
      await start()
      const state = started().state
      state.inject('raas', { type: 'http_error', status: 503 })
      state.inject('raas', { type: 'reset' })
      state.inject('raas', { type: 'rate_limited', retryAfter: 3 }, 2)
      state.inject('raas', { type: 'truncated' })
      state.inject('raas', { type: 'hang' })
      state.inject('raas', { type: 'stall' })
      const result = await sync(connection({ requestTimeoutMs: 300 }))
      expect(result.streams[0]).toMatchObject({ status: 'succeeded', records: { new: 30 + ORGANISATIONS } })
      expect(state.callsOf('raas').map((call) => call.outcome)).toEqual([
        'fault:http_error',
        'fault:reset',
        'fault:rate_limited',
        'fault:rate_limited',
        'fault:truncated',
        'fault:hang',
        'fault:stall',
        'ok',
      ])
      expect(sleeps.filter((ms) => ms === 3000).length).toBeGreaterThanOrEqual(2)
      expect(await sourceRecords()).toHaveLength(30)
    })

    it('reschedules when the report asks for a longer wait than the cap, and fails fast on other 4xx', async () => {
      await start()
      started().state.storm('raas', 900)
      const limited = await sync(connection())
      expect(limited.streams[0]).toMatchObject({ status: 'rescheduled', errors: [{ code: 'E_RATE_LIMITED' }] })
      expect(limited.streams[0]!.retryAt).toBeDefined()
      started().state.clearFaults()
      started().state.inject('raas', { type: 'http_error', status: 400 })
      const before = started().state.callsOf('raas').length
      const bad = await sync(connection())
      expect(bad.streams[0]).toMatchObject({ status: 'failed', errors: [{ code: 'E_SOURCE' }] })
      expect(bad.streams[0]!.errors[0]!.message).toMatch(/E_WORKDAY_REQUEST/)
      expect(started().state.callsOf('raas').length - before).toBe(1)
    })

    it('gives E_AUTH without the secret for a wrong password (Basic) and a refused refresh token (OAuth)', async () => {
      await start()
      const basic = await sync(connection({ auth: { ...basicAuth, password: '${WD_BAD_PASSWORD}' } }))
      expect(basic.streams[0]).toMatchObject({ status: 'failed', errors: [{ code: 'E_AUTH' }] })
      const oauth = await sync(connection({ auth: { type: 'oauth_refresh', clientId: '${WD_CLIENT_ID}', clientSecret: '${WD_CLIENT_SECRET}', refreshToken: '${WD_BAD_REFRESH}' } }))
      expect(oauth.streams[0]).toMatchObject({ status: 'failed', errors: [{ code: 'E_AUTH' }] })
      const shown = JSON.stringify([basic, oauth])
      for (const secret of [ENV.WD_BAD_PASSWORD, ENV.WD_BAD_REFRESH, ENV.WD_CLIENT_SECRET]) expect(shown).not.toContain(secret)
      const { rows } = await sql<{ error: unknown }>`select error from sync_runs`.execute(store.db)
      for (const secret of [ENV.WD_BAD_PASSWORD, ENV.WD_BAD_REFRESH]) expect(JSON.stringify(rows)).not.toContain(secret)
    })

    it('OAuth: signs in once, refreshes once when the token expires mid-sync', async () => {
      await start()
      const entry = connection({ auth: { type: 'oauth_refresh', clientId: '${WD_CLIENT_ID}', clientSecret: '${WD_CLIENT_SECRET}', refreshToken: '${WD_REFRESH_TOKEN}' }, rest: { limit: 7 } })
      started().state.inject('rest', { type: 'expired_token' })
      const result = await sync(entry)
      expect(result.status).toBe('succeeded')
      expect(started().state.callsOf('token').map((call) => call.outcome)).toEqual(['ok', 'ok'])
    })

    it('fails a stream with malformed saved state with E_STATE_INVALID and leaves the state as it was', async () => {
      await start()
      const entry = connection({ rest: { limit: 7 } })
      await writeCursor('report', 'garbage')
      await writeCursor('workers', { offset: 'x' })
      const result = await sync(entry)
      expect(result.streams.map((stream) => [stream.name, stream.status, stream.errors[0]?.code])).toEqual([
        ['report', 'failed', 'E_STATE_INVALID'],
        ['workers', 'failed', 'E_STATE_INVALID'],
      ])
      expect(await savedCursor('report')).toBe('garbage')
      expect(await savedCursor('workers')).toEqual({ offset: 'x' })
      expect(started().state.calls).toEqual([])
    })
  })

  describe('the REST workers stream', () => {
    it('lands the active workers (by WID, as the API states no employee id); a second sync changes nothing; a termination lands as a soft delete', async () => {
      await start()
      const entry = restOnly()
      const first = await sync(entry)
      expect(first.streams[0]).toMatchObject({ name: 'workers', status: 'succeeded', fromStart: true, records: { new: activeWorkers().length + ORGANISATIONS } })
      expect((await sourceRecords()).map((row) => row.source_id)).toEqual(activeWorkers().map((worker) => worker.wid).sort())
      expect(await savedCursor('workers')).toBeNull()
      const second = await sync(entry)
      expect(second.streams[0]!.records).toMatchObject({ new: 0, changed: 0, unchanged: activeWorkers().length + ORGANISATIONS })

      // /workers lists active workers only: a terminated worker disappears, which a full pass reads as deleted.
      const leaving = activeWorkers()[2]!
      const changing = activeWorkers()[20]!
      terminateWorker(started().state.data, String(leaving.entry.Employee_ID), '2099-12-31', time)
      updateWorker(started().state.data, String(changing.entry.Employee_ID), { businessTitle: 'Chief Tester' }, time)
      const third = await sync(entry)
      expect(third.streams[0]!.records).toMatchObject({ new: 0, changed: 1 })
      expect(third.streams[0]!.deletions).toEqual([{ objectType: 'worker', live: activeWorkers().length + 1, missing: 1, applied: true }])
      expect((await sourceRecords()).find((row) => row.source_id === leaving.wid)?.deleted).toBe(true)
      const { rows } = await sql<{ payload: Record<string, unknown> }>`select payload from source_records where source_id = ${changing.wid}`.execute(store.db)
      expect(rows[0]!.payload.businessTitle).toBe('Chief Tester')
    })

    it('resumes from every checkpoint after the API failed: the rerun asks from the saved offset and ends equal to an uninterrupted sync', async () => {
      await start()
      const entry = restOnly()
      const full = await sync(entry)
      const pages = full.streams[0]!.pages
      expect(pages).toBeGreaterThan(3)
      const uninterrupted = await sourceRecords()
      for (let stopAfter = 1; stopAfter < pages; stopAfter++) {
        await truncateAll(store.db)
        const stopped = await sync(entry, { onProgress: (progress) => (progress.pages === stopAfter ? started().state.inject('rest', { type: 'http_error', status: 400 }) : undefined) })
        expect(stopped.streams[0]).toMatchObject({ status: 'failed', pages: stopAfter, errors: [{ code: 'E_SOURCE' }] })
        const saved = (await savedCursor('workers')) as { offset: number }
        expect(saved.offset).toBe(stopAfter === 1 ? 7 : 7 + (stopAfter - 1) * 6)
        const calls = started().state.callsOf('rest').length
        const rerun = await sync(entry)
        expect(rerun.streams[0]).toMatchObject({ status: 'succeeded', fromStart: false })
        expect(started().state.callsOf('rest')[calls]!.params.offset).toBe(String(saved.offset - 1))
        expect(await sourceRecords()).toEqual(uninterrupted)
        expect(await duplicates()).toEqual([])
      }
    })

    it('reads nothing from a position past the end, and starts the next sync from offset 0', async () => {
      await start()
      const entry = restOnly()
      await writeCursor('workers', { offset: 1_000_000, anchors: [] })
      const result = await sync(entry)
      expect(result.streams[0]).toMatchObject({ status: 'succeeded', fromStart: false, records: { read: 0 }, deletions: [] })
      expect(started().state.callsOf('rest').map((call) => call.params.offset)).toEqual(['1000000'])
      expect(await savedCursor('workers')).toBeNull()
      expect(await sourceRecords()).toEqual([])
    })

    it('misses no worker and lands none twice when workers leave before the position between pages', async () => {
      await start()
      const entry = restOnly()
      const expected = activeWorkers().map((worker) => worker.wid)
      const result = await sync(entry, {
        onProgress: (progress) => {
          if (progress.pages !== 2) return
          for (const worker of [activeWorkers()[1]!, activeWorkers()[12]!]) terminateWorker(started().state.data, String(worker.entry.Employee_ID), '2099-12-31', time)
        },
      })
      expect(result.streams[0]).toMatchObject({ status: 'succeeded', records: { new: expected.length + ORGANISATIONS, deleted: 0 } })
      expect((await sourceRecords()).map((row) => row.source_id)).toEqual([...expected].sort())
    })

    it('waits out a 429 storm, retries 5xx, resets and truncated pages, times out a hang', async () => {
      await start()
      const state = started().state
      state.inject('rest', { type: 'rate_limited' }, 4)
      state.inject('rest', { type: 'http_error', status: 502 })
      state.inject('rest', { type: 'reset' })
      state.inject('rest', { type: 'truncated' })
      state.inject('rest', { type: 'hang' })
      const result = await sync(restOnly({ requestTimeoutMs: 300 }))
      expect(result.streams[0]).toMatchObject({ status: 'succeeded', records: { new: activeWorkers().length + ORGANISATIONS } })
      // No Retry-After: the governor backs off 1, 2, 4, 8 s.
      expect(sleeps.slice(0, 4)).toEqual([1000, 2000, 4000, 8000])
      expect(state.callsOf('rest').slice(0, 8).map((call) => call.outcome)).toEqual([
        'fault:rate_limited',
        'fault:rate_limited',
        'fault:rate_limited',
        'fault:rate_limited',
        'fault:http_error',
        'fault:reset',
        'fault:truncated',
        'fault:hang',
      ])
    })
  })

  describe('export import, then API sync of the same tenant', () => {
    async function importExport(): Promise<void> {
      const file = path.join(company, 'workday', 'workers.json')
      const imported = await runImport(deps, { connector: workdayConnector, path: file, openSource: () => openExportSource(file), connectionId: CONNECTION })
      expect(imported).toMatchObject({ status: 'succeeded', records: { new: 30 + ORGANISATIONS } })
    }

    it('report: the sync meets every imported worker unchanged (same ids and payloads), no duplicates', async () => {
      await start()
      await importExport()
      const imported = await sourceRecords()
      const result = await sync(connection())
      expect(result.streams[0]!.records).toMatchObject({ new: 0, changed: 0, unchanged: 30 + ORGANISATIONS, deleted: 0 })
      expect(await sourceRecords()).toEqual(imported)
      expect(await duplicates()).toEqual([])
    })

    it('report and REST: the REST workers are matched to the report rows and land nothing of their own', async () => {
      await start()
      await importExport()
      const imported = await sourceRecords()
      const result = await sync(connection({ rest: { limit: 7 } }))
      expect(result.streams.map((stream) => [stream.name, stream.status, stream.records.read, stream.records.rejected])).toEqual([
        ['report', 'succeeded', 30 + ORGANISATIONS, 0],
        ['workers', 'succeeded', 0, 0],
      ])
      expect(await sourceRecords()).toEqual(imported)
      expect(await duplicates()).toEqual([])
    })

    it('REST carrying the employee id: the same source records (payloads now the REST ones), no duplicates', async () => {
      await start({ restEmployeeIdKey: 'workerId', restIncludeTerminated: true })
      await importExport()
      const imported = await sourceRecords()
      const result = await sync(restOnly())
      expect(result.streams[0]).toMatchObject({ status: 'succeeded', records: { new: 0, changed: 30, deleted: 0 } })
      const synced = await sourceRecords()
      expect(synced.map((row) => [row.source_id, row.deleted])).toEqual(imported.map((row) => [row.source_id, row.deleted]))
      expect(await duplicates()).toEqual([])
    })
  })
})

describe('Workday check through the sync engine’s call', () => {
  async function check(entry: ConnectionEntry) {
    const session = await entry.connector.open(entry.settings, { logger: createLogger('silent'), connection: entry.name })
    const context = createStreamContext({
      connection: entry.name,
      session,
      governor: new QuotaGovernor(1),
      requestTimeoutMs: 2000,
      maxRateLimitWaitMs: 1000,
      full: false,
      secrets: [],
      sleep: () => Promise.resolve(),
      now: () => new Date(),
      logger: createLogger('silent'),
    })
    return await session.check(context)
  }

  it('is the registered workday connector', async () => {
    await start()
    expect(connection().connector).toBe(workdayApiConnector)
  })

  it('verifies the credentials with one row from each API; a report not shared and a REST service not granted are missing scopes', async () => {
    await start({ restServices: ['staffing/v6'] })
    const granted = await check(connection({ rest: { service: 'staffing', version: 'v6' }, report: { ...report, checkPrompts: { Updated_Since: '2999-01-01' } } }))
    expect(granted.scopes.map((scope) => [scope.name, scope.granted])).toEqual([
      ['custom report ISU_CustomerGraph/CG_Workers (web service)', true],
      ['REST staffing/v6 workers', true],
    ])
    const missing = await check(connection({ rest: {}, report: { ...report, name: 'Not_Shared' } }))
    expect(missing.scopes.map((scope) => [scope.neededBy, scope.granted])).toEqual([
      [['report', 'workers'], false],
      [['workers'], false],
    ])
  })

  it('fails with E_AUTH on bad credentials, without the secret', async () => {
    await start()
    const error = await check(connection({ auth: { ...basicAuth, password: '${WD_BAD_PASSWORD}' } })).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'E_AUTH' })
    expect(String((error as Error).message)).not.toContain(ENV.WD_BAD_PASSWORD)
  })
})
