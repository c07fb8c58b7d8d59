import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { hireWorker, loadWorkdayTenantData, terminateWorker, updateWorker, widOf } from '../../../test/fakes/workday/tenant.ts'
import { defaultBasic, defaultOAuth, startWorkdayFake, type WorkdayFake, type WorkdayFakeOptions } from '../../../test/fakes/workday/workday-fake.ts'
import { openExportSource } from '../../formats/export-source.ts'
import { generateCompany } from '../../generate/generate-company.ts'
import { createLogger } from '../../logger.ts'
import { Secret } from '../../sync/secret.ts'
import type { ApiSession, ApiStream, SourceFailure, StreamContext, StreamPage } from '../api-contract.ts'
import type { ApiLocation, RawRecord } from '../types.ts'
import { workdayApiConnector } from './api.ts'
import { type WorkdaySettings, workdaySettings } from './config.ts'
import { readWorkdayExport } from './export.ts'

/**
 * The Workday streams against the fake tenant, driven by a small stand-in for the sync's stream
 * context (timeouts by abort, retries of transient failures, pagination-loop check). The end-to-end
 * tests through runSync are in test/sync-workday.test.ts.
 */

let work: string
let company: string
let fake: WorkdayFake | undefined
const now = Date.parse('2100-01-01T12:00:00Z')

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'workday-api-'))
  company = path.join(work, 'company')
  await generateCompany({ dir: company, people: 200, seed: 1 })
})
afterEach(async () => {
  await fake?.close()
  fake = undefined
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function start(options: Partial<WorkdayFakeOptions> = {}): Promise<WorkdayFake> {
  fake = await startWorkdayFake({ data: await loadWorkdayTenantData(path.join(company, 'workday')), clock: () => now, ...options })
  return fake
}

function settings(overrides: Record<string, unknown> = {}): WorkdaySettings {
  if (!fake) throw new Error('start the fake first')
  return workdaySettings.parse({
    host: fake.baseUrl,
    tenant: fake.tenant,
    auth: { type: 'basic', username: new Secret('WD_USER', defaultBasic.username), password: new Secret('WD_PASSWORD', defaultBasic.password) },
    report: { owner: 'ISU_CustomerGraph', name: 'CG_Workers', pageSize: 7 },
    ...overrides,
  })
}

const oauth = (refreshToken = defaultOAuth.refreshToken) => ({
  type: 'oauth_refresh',
  clientId: new Secret('WD_CLIENT_ID', defaultOAuth.clientId),
  clientSecret: new Secret('WD_CLIENT_SECRET', defaultOAuth.clientSecret),
  refreshToken: new Secret('WD_REFRESH_TOKEN', refreshToken),
})

function open(options: WorkdaySettings): ApiSession {
  return workdayApiConnector.open(options, { logger: createLogger('silent'), connection: 'acme-workday' })
}

class SourceFailureError extends Error {
  readonly failure: SourceFailure
  constructor(failure: SourceFailure) {
    super(`${failure.kind}: ${failure.detail}`)
    this.failure = failure
  }
}

interface TestContext extends StreamContext {
  attempts: string[]
}

/**
 * The sync's call contract in miniature: each attempt gets a signal aborted after `timeoutMs`;
 * transient and rate-limited failures are tried again (up to `attempts`), after `beforeRetry`.
 */
function context(session: ApiSession, options: { timeoutMs?: number; attempts?: number; beforeRetry?: () => void } = {}): TestContext {
  const listings = new Map<string, Set<string>>()
  const attempts: string[] = []
  return {
    attempts,
    full: false,
    now: () => new Date(now),
    logger: createLogger('silent'),
    page(listing, cursor) {
      const seen = listings.get(listing) ?? new Set()
      if (seen.has(cursor)) throw new Error(`E_PAGINATION_LOOP ${listing} ${cursor}`)
      seen.add(cursor)
      listings.set(listing, seen)
    },
    async call(call, request) {
      for (let attempt = 1; ; attempt++) {
        attempts.push(call.what)
        const controller = new AbortController()
        const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), options.timeoutMs ?? 5000)
        try {
          return await request(controller.signal)
        } catch (error) {
          const failure = session.classify(error)
          if ((failure.kind === 'transient' || failure.kind === 'rate_limited') && attempt < (options.attempts ?? 4)) {
            options.beforeRetry?.()
            continue
          }
          throw new SourceFailureError(failure)
        } finally {
          clearTimeout(timer)
        }
      }
    },
  }
}

function stream(session: ApiSession, name: string): ApiStream {
  const found = session.streams.find((candidate) => candidate.name === name)
  if (!found) throw new Error(`no stream ${name}`)
  return found
}

async function readAll(streamOf: ApiStream, streamContext: StreamContext, cursor: unknown = null, between?: (page: StreamPage<unknown>, index: number) => void): Promise<StreamPage<unknown>[]> {
  const pages: StreamPage<unknown>[] = []
  for await (const page of streamOf.read(streamContext, cursor)) {
    pages.push(page)
    between?.(page, pages.length)
  }
  return pages
}

const records = (pages: StreamPage<unknown>[]): RawRecord<ApiLocation>[] => pages.flatMap((page) => page.records)
const identity = (record: { objectType: string; sourceId: string; payload: unknown }) => ({ objectType: record.objectType, sourceId: record.sourceId, payload: record.payload })

async function exportRecords(): Promise<ReturnType<typeof identity>[]> {
  const out: ReturnType<typeof identity>[] = []
  for await (const item of readWorkdayExport(await openExportSource(path.join(company, 'workday', 'workers.json')), { options: {} })) {
    if (item.type === 'record') out.push(identity(item.record))
  }
  return out
}

async function failure(promise: Promise<unknown>): Promise<SourceFailure> {
  try {
    await promise
  } catch (error) {
    if (error instanceof SourceFailureError) return error.failure
    throw error
  }
  throw new Error('expected a failure')
}

describe('Workday report stream', () => {
  it('lands the same worker records as the export importer makes of the same report, in pages, complete at the end', async () => {
    await start()
    const session = open(settings())
    const pages = await readAll(stream(session, 'report'), context(session))
    expect(records(pages).map(identity)).toEqual(await exportRecords())
    expect(pages.map((page) => page.records.length)).toEqual([7, 7, 7, 7, 2])
    expect(pages.map((page) => page.cursor)).toEqual([null, null, null, null, null])
    expect(pages.map((page) => page.complete)).toEqual([undefined, undefined, undefined, undefined, ['worker']])
    expect(pages[1]!.records[0]!.provenance).toEqual({ endpoint: 'customreport2/ISU_CustomerGraph/CG_Workers', page: 2 })
    expect(fake!.state.calls.map((call) => [call.api, call.params, call.auth, call.outcome])).toEqual([['raas', { format: 'json' }, 'basic', 'ok']])
  })

  it('sends the prompts as query parameters, format=json whatever they say', async () => {
    await start()
    const session = open(settings({ report: { owner: 'ISU_CustomerGraph', name: 'CG_Workers', prompts: { Updated_Since: '2099-01-01', format: 'csv' } } }))
    updateWorker(fake!.state.data, fake!.state.data.workers[3]!.entry.Employee_ID as string, { businessTitle: 'Chief Tester' }, now)
    const pages = await readAll(stream(session, 'report'), context(session))
    expect(records(pages).map((record) => record.payload.businessTitle)).toEqual(['Chief Tester'])
    expect(fake!.state.calls[0]!.params).toEqual({ Updated_Since: '2099-01-01', format: 'json' })
  })

  it('goes on where a truncated answer broke off: the re-request skips the bytes already read, after checking they are the same', async () => {
    await start()
    fake!.state.inject('raas', { type: 'truncated' })
    const session = open(settings())
    const pages = await readAll(stream(session, 'report'), context(session))
    expect(records(pages).map(identity)).toEqual(await exportRecords())
    expect(pages.at(-1)!.complete).toEqual(['worker'])
    expect(fake!.state.calls.map((call) => call.outcome)).toEqual(['fault:truncated', 'ok'])
  })

  it('times out an answer that stalls midway and goes on with a new one', async () => {
    await start()
    fake!.state.inject('raas', { type: 'stall' })
    const session = open(settings())
    const requestsAtPage: number[] = []
    const pages = await readAll(stream(session, 'report'), context(session, { timeoutMs: 300 }), null, () => requestsAtPage.push(fake!.state.calls.length))
    expect(records(pages).map(identity)).toEqual(await exportRecords())
    // Streamed, not buffered: the first pages came out of the first half of the answer, before it stalled.
    expect(requestsAtPage.slice(0, 2)).toEqual([1, 1])
    expect(fake!.state.calls.map((call) => call.outcome)).toEqual(['fault:stall', 'ok'])
  })

  it('reads the report again from its start when it changed between the broken answer and the re-request', async () => {
    await start()
    fake!.state.inject('raas', { type: 'truncated' })
    const first = fake!.state.data.workers[0]!.entry.Employee_ID as string
    const session = open(settings())
    const pages = await readAll(stream(session, 'report'), context(session, { beforeRetry: () => updateWorker(fake!.state.data, first, { businessTitle: 'Renamed' }, now) }))
    const landed = records(pages)
    // Entries read before the break land twice (a repeated API record replaces); the last copy is the new one.
    const byId = new Map(landed.map((record) => [record.sourceId, record.payload]))
    expect(byId.size).toBe(30)
    expect(byId.get(first)?.businessTitle).toBe('Renamed')
    expect(pages.at(-1)!.complete).toEqual(['worker'])
    expect(fake!.state.calls.map((call) => call.outcome)).toEqual(['fault:truncated', 'ok', 'ok'])
  })

  it('rejects an answer that is not a JSON report where it breaks; what came before lands and nothing is complete', async () => {
    await start()
    fake!.state.inject('raas', { type: 'http_error', status: 200, body: '<html>Sign in</html>' })
    const session = open(settings())
    const pages = await readAll(stream(session, 'report'), context(session))
    expect(records(pages)).toEqual([])
    expect(pages.at(-1)!.complete).toBeUndefined()
    expect(pages.at(-1)!.rejects).toMatchObject([{ code: 'E_JSON_SYNTAX', location: { endpoint: 'customreport2/ISU_CustomerGraph/CG_Workers', page: 1 } }])
  })

  it('rejects an entry without an employee id in a report that has the column, and then says nothing is complete', async () => {
    await start()
    const entry = fake!.state.data.workers[2]!.entry
    delete entry.Employee_ID
    const session = open(settings())
    const pages = await readAll(stream(session, 'report'), context(session))
    expect(records(pages)).toHaveLength(29)
    expect(pages.flatMap((page) => page.rejects ?? [])).toMatchObject([{ code: 'E_WORKDAY_NO_ID', location: { page: 1 }, objectType: 'worker' }])
    expect(pages.at(-1)!.complete).toBeUndefined()
  })
})

describe('Workday REST workers stream', () => {
  const restOnly = (rest: Record<string, unknown> = {}) => settings({ report: undefined, rest: { limit: 7, ...rest } })

  it('pages with limit/offset to total, keyed by WID when the answer has no employee id, complete at the end', async () => {
    await start()
    const session = open(restOnly())
    const pages = await readAll(stream(session, 'workers'), context(session))
    const active = fake!.state.data.workers.filter((worker) => worker.entry.Active_Status !== '0')
    expect(records(pages).map((record) => record.sourceId)).toEqual(active.map((worker) => worker.wid))
    expect(pages.at(-1)).toMatchObject({ cursor: null, complete: ['worker'] })
    expect(pages.slice(0, -1).every((page) => page.complete === undefined)).toBe(true)
    // Pages of 7 overlap by one: every request after the first asks again for the last landed worker.
    expect(pages[0]!.cursor).toEqual({ offset: 7, anchors: active.slice(2, 7).map((worker) => worker.wid) })
    expect(pages[1]!.cursor).toEqual({ offset: 13, anchors: active.slice(8, 13).map((worker) => worker.wid) })
    expect(pages.map((page) => page.records.length)).toEqual([7, ...Array.from({ length: pages.length - 2 }, () => 6), (active.length - 7) % 6 || 6])
    expect(fake!.state.callsOf('rest').map((call) => call.params)).toEqual(pages.map((_, index) => ({ limit: '7', offset: String(index === 0 ? 0 : index * 6) })))
  })

  it('keys REST workers by the employee id when the answer carries one, as the export importer does', async () => {
    await start({ restEmployeeIdKey: 'workerId' })
    const session = open(restOnly())
    const pages = await readAll(stream(session, 'workers'), context(session))
    const active = fake!.state.data.workers.filter((worker) => worker.entry.Active_Status !== '0')
    expect(records(pages).map((record) => record.sourceId)).toEqual(active.map((worker) => worker.entry.Employee_ID))
  })

  it('resumes from a saved position; a position past the end reads nothing and ends the pass', async () => {
    await start()
    const session = open(restOnly())
    const all = records(await readAll(stream(session, 'workers'), context(session)))
    const first = await readAll(stream(session, 'workers'), context(session))
    const resumed = await readAll(stream(session, 'workers'), context(session), first[1]!.cursor)
    expect(records(resumed).map(identity)).toEqual(all.slice(13).map(identity))
    // A pass that did not start at offset 0 cannot vouch for every worker.
    expect(resumed.at(-1)!.complete).toBeUndefined()
    const beyond = await readAll(stream(session, 'workers'), context(session), { offset: 1_000_000, anchors: [] })
    expect(beyond).toEqual([{ records: [], cursor: null }])
  })

  it('misses no worker when workers before the position leave between pages, and lands none twice when workers are added before it', async () => {
    await start()
    const session = open(restOnly())
    const active = () => fake!.state.data.workers.filter((worker) => worker.entry.Active_Status !== '0')
    const expected = active().map((worker) => worker.wid)
    const pages = await readAll(stream(session, 'workers'), context(session), null, (_page, index) => {
      const data = fake!.state.data
      if (index === 1) {
        // Two workers already read (the last one too) leave the active list: everyone after them moves two places forward.
        for (const worker of [active()[1]!, active()[6]!]) terminateWorker(data, String(worker.entry.Employee_ID), '2099-12-31', now)
      }
      if (index === 2) {
        // A worker is added at the front: everyone moves one place back.
        const hired = hireWorker(data, { Employee_ID: 'NEW-1', Worker: 'Nova Front', 'Email_-_Work': 'nova.front@example.com' }, now)
        data.workers.splice(data.workers.indexOf(hired), 1)
        data.workers.unshift(hired)
      }
    })
    const landed = records(pages).map((record) => record.sourceId)
    expect(new Set(landed).size).toBe(landed.length)
    expect([...landed].sort()).toEqual([...expected].sort())
    expect(pages.at(-1)!.complete).toEqual(['worker'])
  })

  it('finds its place in an earlier window when more workers left than the overlap', async () => {
    await start()
    const session = open(restOnly())
    const active = () => fake!.state.data.workers.filter((worker) => worker.entry.Active_Status !== '0')
    const expected = active().map((worker) => worker.wid)
    const pages = await readAll(stream(session, 'workers'), context(session), null, (_page, index) => {
      if (index !== 2) return
      // Nine of the thirteen read so far leave, four of the five remembered among them: the list moves back two windows.
      const leaving = [...active().slice(3, 8), ...active().slice(9, 13)]
      for (const worker of leaving) terminateWorker(fake!.state.data, String(worker.entry.Employee_ID), '2099-12-31', now)
    })
    const landed = records(pages).map((record) => record.sourceId)
    expect(new Set(landed).size).toBe(landed.length)
    expect([...landed].sort()).toEqual([...expected].sort())
    expect(pages.at(-1)!.complete).toEqual(['worker'])
    expect(fake!.state.callsOf('rest').map((call) => call.params.offset)).toEqual(['0', '6', '12', '6', '0', '6', '12'])
  })

  it('starts the pass over when none of the remembered workers is left, and still reads every worker', async () => {
    await start()
    const session = open(restOnly())
    const active = () => fake!.state.data.workers.filter((worker) => worker.entry.Active_Status !== '0')
    const pages = await readAll(stream(session, 'workers'), context(session), null, (_page, index) => {
      if (index !== 2) return
      for (const worker of active().slice(4, 13)) terminateWorker(fake!.state.data, String(worker.entry.Employee_ID), '2099-12-31', now)
    })
    const landed = new Set(records(pages).map((record) => record.sourceId))
    expect(active().every((worker) => landed.has(worker.wid))).toBe(true)
    // The restart reads the first workers again (a repeated API record replaces the first copy).
    expect(fake!.state.callsOf('rest').map((call) => call.params.offset).slice(0, 6)).toEqual(['0', '6', '12', '6', '0', '0'])
    expect(pages.at(-1)!.complete).toEqual(['worker'])
  })

  it('with a report in the connection: REST workers matched to report rows (by work email) are not landed again; an unmatched one is rejected', async () => {
    await start()
    const session = open(settings({ rest: { limit: 7 } }))
    const streamContext = context(session)
    expect(stream(session, 'workers').after).toEqual(['report'])
    const report = records(await readAll(stream(session, 'report'), streamContext))
    expect(report).toHaveLength(30)
    hireWorker(fake!.state.data, { Employee_ID: 'NEW-2', Worker: 'Late Hire', 'Email_-_Work': 'late.hire@example.com' }, now)
    const pages = await readAll(stream(session, 'workers'), streamContext)
    expect(records(pages)).toEqual([])
    expect(pages.flatMap((page) => page.rejects ?? [])).toMatchObject([{ code: 'E_WORKDAY_NOT_IN_REPORT', objectType: 'worker' }])
    expect(pages.flatMap((page) => page.rejects ?? [])[0]!.message).toContain(widOf('NEW-2'))
    expect(pages.every((page) => page.complete === undefined)).toBe(true)
  })

  it('with a report that has a WID column, matches by WID', async () => {
    await start({ reportWidColumn: 'Worker_WID' })
    const session = open(settings({ rest: { limit: 7 } }))
    const streamContext = context(session)
    await readAll(stream(session, 'report'), streamContext)
    // Email changes do not break a WID match.
    for (const worker of fake!.state.data.workers) updateWorker(fake!.state.data, String(worker.entry.Employee_ID), { 'Email_-_Work': undefined }, now)
    const pages = await readAll(stream(session, 'workers'), streamContext)
    expect(pages.flatMap((page) => [...page.records, ...(page.rejects ?? [])])).toEqual([])
  })

  it('refuses to run with a report in the connection whose stream has not read it in this session', async () => {
    await start()
    const session = open(settings({ rest: { limit: 7 } }))
    await expect(readAll(stream(session, 'workers'), context(session))).rejects.toMatchObject({ code: 'E_CONFIG' })
  })

  it('validates saved cursors', () => {
    const cursor = stream(open(settingsFor('http://127.0.0.1:1')), 'workers').cursor
    expect(cursor.safeParse({ offset: 7, anchors: ['a'] }).success).toBe(true)
    expect(cursor.safeParse(null).success).toBe(true)
    expect(cursor.safeParse({ offset: -1, anchors: [] }).success).toBe(false)
    expect(cursor.safeParse('garbage').success).toBe(false)
  })
})

function settingsFor(host: string): WorkdaySettings {
  return workdaySettings.parse({
    host,
    tenant: 't',
    auth: { type: 'basic', username: new Secret('U', 'u'), password: new Secret('P', 'p') },
    rest: {},
  })
}

describe('Workday auth', () => {
  it('OAuth: one token for many requests; a 401 refreshes once and repeats the request', async () => {
    await start()
    const session = open(settings({ auth: oauth(), report: undefined, rest: { limit: 7 } }))
    fake!.state.inject('rest', { type: 'expired_token' })
    const pages = await readAll(stream(session, 'workers'), context(session))
    expect(records(pages).length).toBeGreaterThan(0)
    const calls = fake!.state.calls.map((call) => `${call.api}:${call.outcome}`)
    expect(calls.slice(0, 4)).toEqual(['token:ok', 'rest:fault:expired_token', 'token:ok', 'rest:ok'])
    expect(calls.filter((call) => call.startsWith('token')).length).toBe(2)
    expect(fake!.state.calls.filter((call) => call.api === 'rest').every((call) => call.auth === 'bearer')).toBe(true)
  })

  it('OAuth: a second 401 after the refresh is auth, and so is a refused refresh token; no secret in the message', async () => {
    await start()
    const session = open(settings({ auth: oauth(), report: undefined, rest: {} }))
    fake!.state.inject('rest', { type: 'expired_token' }, 2)
    const twice = await failure(readAll(stream(session, 'workers'), context(session)))
    expect(twice.kind).toBe('auth')
    const refused = open(settings({ auth: oauth('revoked-refresh-token'), report: undefined, rest: {} }))
    const failed = await failure(readAll(stream(refused, 'workers'), context(refused)))
    expect(failed).toMatchObject({ kind: 'auth' })
    expect(failed.detail).toMatch(/invalid_grant/)
    for (const secret of ['revoked-refresh-token', defaultOAuth.clientSecret, defaultOAuth.clientId]) expect(JSON.stringify(failed)).not.toContain(secret)
  })

  it('Basic: a wrong password is auth at once, without the password in the message', async () => {
    await start()
    const session = open(settings({ auth: { type: 'basic', username: new Secret('U', defaultBasic.username), password: new Secret('P', 'wrong-password-canary') } }))
    const failed = await failure(readAll(stream(session, 'report'), context(session)))
    expect(failed.kind).toBe('auth')
    expect(JSON.stringify(failed)).not.toContain('wrong-password-canary')
    expect(fake!.state.calls).toHaveLength(1)
  })
})

describe('Workday faults', () => {
  it('waits out 429 and 503 with Retry-After as rate limits with the hint, retries 5xx, resets and truncated pages', async () => {
    await start()
    const session = open(settings({ report: undefined, rest: { limit: 7 } }))
    fake!.state.inject('rest', { type: 'rate_limited', retryAfter: 7 })
    fake!.state.inject('rest', { type: 'http_error', status: 502 })
    fake!.state.inject('rest', { type: 'reset' })
    fake!.state.inject('rest', { type: 'truncated' })
    const seen: SourceFailure[] = []
    const classify = session.classify.bind(session)
    session.classify = (error) => {
      const result = classify(error)
      seen.push(result)
      return result
    }
    const pages = await readAll(stream(session, 'workers'), context(session, { attempts: 10 }))
    expect(pages.at(-1)!.complete).toEqual(['worker'])
    expect(seen.map((each) => each.kind)).toEqual(['rate_limited', 'transient', 'transient', 'transient'])
    expect(seen[0]).toMatchObject({ retryAfterMs: 7000 })
  })

  it('fails fast on other 4xx with a code', async () => {
    await start()
    const session = open(settings({ report: { owner: 'ISU_CustomerGraph', name: 'No_Such_Report' } }))
    expect(await failure(readAll(stream(session, 'report'), context(session)))).toMatchObject({ kind: 'fatal', code: 'E_WORKDAY_NOT_FOUND' })
    fake!.state.inject('raas', { type: 'http_error', status: 400 })
    const other = open(settings())
    expect(await failure(readAll(stream(other, 'report'), context(other)))).toMatchObject({ kind: 'fatal', code: 'E_WORKDAY_REQUEST' })
  })
})

describe('Workday check', () => {
  it('reads at most one worker from each API and reports both granted', async () => {
    await start()
    const session = open(settings({ rest: {}, report: { owner: 'ISU_CustomerGraph', name: 'CG_Workers', checkPrompts: { Updated_Since: '2999-01-01' } } }))
    const result = await session.check(context(session))
    expect(result).toEqual({
      identity: 'an integration system user (HTTP Basic)',
      account: `tenant ${fake!.tenant} on ${fake!.baseUrl}`,
      scopes: [
        { name: 'custom report ISU_CustomerGraph/CG_Workers (web service)', granted: true, neededBy: ['report', 'workers'] },
        { name: 'REST common/v1 workers', granted: true, neededBy: ['workers'] },
      ],
    })
    expect(fake!.state.calls.map((call) => call.params)).toEqual([{ Updated_Since: '2999-01-01', format: 'json' }, { limit: '1', offset: '0' }])
  })

  it('reports a report that is not there and a REST service not granted as scopes not granted', async () => {
    await start({ restServices: ['staffing/v6'] })
    const session = open(settings({ rest: {}, report: { owner: 'ISU_CustomerGraph', name: 'Not_Shared' } }))
    const result = await session.check(context(session))
    expect(result.scopes.map((scope) => scope.granted)).toEqual([false, false])
  })

  it('fails with auth on bad credentials', async () => {
    await start()
    const session = open(settings({ auth: { type: 'basic', username: new Secret('U', 'nobody'), password: new Secret('P', 'nothing') } }))
    expect(await failure(session.check(context(session)))).toMatchObject({ kind: 'auth' })
  })
})
