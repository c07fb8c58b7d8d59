import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { workerItem } from '../../../src/connectors/workday/worker-rows.ts'
import { runCliProcess } from '../../support/run-cli.ts'
import { changeManager, hireWorker, loadWorkdayTenantData, terminateWorker, updateWorker, widOf } from './tenant.ts'
import { defaultBasic, defaultOAuth, startWorkdayFake, type WorkdayFake, type WorkdayFakeOptions } from './workday-fake.ts'

/** The faros-ai workday-source REST sample (older /ccx/api/v4 workers page), shared/datasets/sources/workday. */
const farosWorkers = fileURLToPath(new URL('../../../../shared/datasets/sources/workday/faros-airbyte-workday-source/workers.json', import.meta.url))

type Json = Record<string, unknown>
/** A RaaS report entry; the keys the tests read are typed. */
interface Entry extends Json {
  Employee_ID: string
  Hire_Date?: string
  Termination_Date?: string
  Active_Status?: string
  'Email_-_Work'?: string
  Worker_s_Manager_group?: Array<{ Manager_ID: string }>
}
interface Report {
  Report_Entry: Entry[]
}
interface RestWorker extends Json {
  id: string
  href: string
  isManager?: boolean
  primaryWorkEmail?: string
  workerId?: string
}
interface Page {
  total: number
  data: RestWorker[]
}
interface LegacyWorker extends Json {
  primaryJob: Json & { location: Json }
  person: Json
}

let work: string
let generated: string
let fake: WorkdayFake | undefined
/**
 * The fake's clock; tests move it instead of sleeping. Far ahead: generated hire dates can lie in the
 * future of the real date, and a change must be later than every loaded worker's last event.
 */
const start2100 = Date.parse('2100-01-01T12:00:00Z')
let now = start2100

/** The generated report read straight from its file, independently of the fake's loader. */
function exportReport(): Report {
  return JSON.parse(readFileSync(path.join(generated, 'workday', 'workers.json'), 'utf8')) as Report
}

/** Employee_IDs of the export's active workers: the ones REST lists. */
function activeIds(): string[] {
  return exportReport().Report_Entry.filter((entry) => entry.Active_Status === '1').map((entry) => String(entry.Employee_ID))
}

async function start(options: Partial<WorkdayFakeOptions> = {}): Promise<WorkdayFake> {
  fake = await startWorkdayFake({ data: await loadWorkdayTenantData(path.join(generated, 'workday')), clock: () => now, ...options })
  return fake
}
function started(): WorkdayFake {
  if (!fake) throw new Error('start the fake first')
  return fake
}

const basic = (username = defaultBasic.username, password = defaultBasic.password): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

/** `/ccx/service/customreport2/{tenant}/ISU_CustomerGraph/CG_Workers?…` */
function reportUrl(params: Record<string, string> = { format: 'json' }, report = 'CG_Workers'): string {
  const { baseUrl, tenant } = started()
  return `${baseUrl}/ccx/service/customreport2/${tenant}/ISU_CustomerGraph/${report}?${new URLSearchParams(params).toString()}`
}
function workersUrl(params: Record<string, string> = {}, service = 'common/v1', id?: string): string {
  const { baseUrl, tenant } = started()
  const query = new URLSearchParams(params).toString()
  return `${baseUrl}/ccx/api/${service}/${tenant}/workers${id === undefined ? '' : `/${id}`}${query === '' ? '' : `?${query}`}`
}
/** `authorization` null sends no Authorization header. */
function get(url: string, authorization: string | null = basic(), init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: authorization === null ? {} : { Authorization: authorization } })
}
async function getJson<T = Json>(url: string, authorization?: string): Promise<T> {
  const response = await get(url, authorization)
  expect(response.status, await response.clone().text()).toBe(200)
  return (await response.json()) as T
}
async function requestToken(form: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
  const { baseUrl, tenant } = started()
  return fetch(`${baseUrl}/ccx/oauth2/${tenant}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: defaultOAuth.refreshToken,
      client_id: defaultOAuth.clientId,
      client_secret: defaultOAuth.clientSecret,
      ...form,
    }).toString(),
  })
}
async function bearer(): Promise<string> {
  const response = await requestToken()
  expect(response.status).toBe(200)
  const body = (await response.json()) as Json
  return `Bearer ${String(body.access_token)}`
}
/** Every worker of a REST service, paging with limit/offset until offset reaches total. */
async function pageAll(limit: number, service = 'common/v1'): Promise<{ workers: RestWorker[]; totals: number[]; pages: number }> {
  const workers: RestWorker[] = []
  const totals: number[] = []
  let offset = 0
  let total: number
  let pages = 0
  do {
    const page = await getJson<Page>(workersUrl({ limit: String(limit), offset: String(offset) }, service))
    expect(Object.keys(page).sort()).toEqual(['data', 'total'])
    expect(page.data.length).toBeLessThanOrEqual(limit)
    workers.push(...page.data)
    totals.push(page.total)
    total = page.total
    offset += limit
    pages++
  } while (offset < total)
  return { workers, totals, pages }
}
type Failure = Omit<Error, 'cause'> & { cause?: Error & { code?: string } }
async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise
  } catch (error) {
    return error as Failure
  }
  throw new Error('expected the call to fail')
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'workday-fake-'))
  const result = await runCliProcess(['generate', path.join(work, 'company'), '--people', '200', '--seed', '1'], { cwd: work })
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
  generated = path.join(work, 'company')
})
afterEach(async () => {
  await fake?.close()
  fake = undefined
  now = start2100
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('Workday fake: RaaS custom report', () => {
  it('format=json answers the generated export report exactly, in one response', async () => {
    await start()
    const response = await get(reportUrl({ format: 'json' }))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await response.json()) as Report
    const expected = exportReport()
    expect(expected.Report_Entry.length).toBe(30)
    expect(body).toEqual(expected)
    // Key order too: RaaS renders the report's columns in order.
    expect(body.Report_Entry.map((entry) => Object.keys(entry))).toEqual(expected.Report_Entry.map((entry) => Object.keys(entry)))
    expect(started().state.calls).toEqual([
      { api: 'raas', httpMethod: 'GET', path: `/ccx/service/customreport2/${started().tenant}/ISU_CustomerGraph/CG_Workers`, params: { format: 'json' }, auth: 'basic', outcome: 'ok' },
    ])
  })

  it('the importer lands the fake report under the Employee_IDs, as it lands the export', async () => {
    await start()
    const body = await getJson<Report>(reportUrl())
    const sourceIds = body.Report_Entry.map((entry, index) => {
      const item = workerItem(entry, { file: 'raas', path: `$.Report_Entry[${index}]` }, { kind: 'employee', idColumns: [] }, {}, () => '')
      return item.type === 'record' ? item.record.sourceId : 'rejected'
    })
    expect(sourceIds).toEqual(exportReport().Report_Entry.map((entry) => entry.Employee_ID))
  })

  it('format=csv answers the generated workers.csv byte for byte (label headers, Manager ID from the group)', async () => {
    await start()
    const response = await get(reportUrl({ format: 'csv' }))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/)
    const csv = await response.text()
    expect(csv).toBe(readFileSync(path.join(generated, 'workday-csv', 'workers.csv'), 'utf8'))
    expect(csv.split('\n')[0]).toContain('Employee ID,Worker,Legal Name - First Name')
  })

  it('without format answers XML (wd:Report_Data/wd:Report_Entry); an unsupported format is 400', async () => {
    await start()
    const response = await get(reportUrl({}))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/xml/)
    const xml = await response.text()
    expect(xml).toMatch(/^<\?xml version='1.0' encoding='UTF-8'\?><wd:Report_Data xmlns:wd="urn:com.workday.report\/CG_Workers">/)
    expect(xml.match(/<wd:Report_Entry>/g)?.length).toBe(30)
    expect(xml).toContain('<wd:Employee_ID>100001</wd:Employee_ID>')
    expect(xml).toContain('<wd:Worker_s_Manager_group><wd:Manager_ID>100001</wd:Manager_ID></wd:Worker_s_Manager_group>')
    expect((await get(reportUrl({ format: 'xlsx' }))).status).toBe(400)
  })

  it('the Updated_Since prompt selects workers changed since then; hire, update, terminate and manager changes show', async () => {
    const fake = await start()
    const all = exportReport().Report_Entry
    const lastEvent = (entry: Entry): string => [entry.Hire_Date ?? '', entry.Termination_Date ?? ''].sort().at(-1) ?? ''
    const since2024 = await getJson<Report>(reportUrl({ format: 'json', Updated_Since: '2024-01-01' }))
    const expected2024 = all.filter((entry) => lastEvent(entry) >= '2024-01-01')
    expect(expected2024.length).toBeGreaterThan(0)
    expect(expected2024.length).toBeLessThan(all.length)
    expect(since2024.Report_Entry).toEqual(expected2024)

    const data = fake.state.data
    const changedAt = now
    const [first, second, third] = all.map((entry) => String(entry.Employee_ID)).filter((id) => id !== '100001')
    if (!first || !second || !third) throw new Error('the generated report is too small')
    hireWorker(data, { Employee_ID: '199001', Worker: 'Ada Newhire', 'Legal_Name_-_First_Name': 'Ada', 'Legal_Name_-_Last_Name': 'Newhire', 'Email_-_Work': 'ada.newhire@example.com', Hire_Date: '2026-07-01', Worker_s_Manager_group: [{ Manager_ID: '100001' }] }, now)
    updateWorker(data, first, { businessTitle: 'Principal Engineer', 'Email_-_Home': undefined }, now)
    terminateWorker(data, second, '2026-06-30', now)
    changeManager(data, third, first, now, 'Engineering (someone)')
    now += 60_000

    const changed = await getJson<Report>(reportUrl({ format: 'json', Updated_Since: new Date(changedAt).toISOString() }))
    expect(changed.Report_Entry.map((entry) => entry.Employee_ID).sort()).toEqual([first, second, third, '199001'].sort())
    const byId = new Map(changed.Report_Entry.map((entry) => [entry.Employee_ID, entry]))
    expect(byId.get('199001')).toEqual({
      Employee_ID: '199001', Worker: 'Ada Newhire', 'Legal_Name_-_First_Name': 'Ada', 'Legal_Name_-_Last_Name': 'Newhire',
      'Email_-_Work': 'ada.newhire@example.com', Hire_Date: '2026-07-01', Active_Status: '1', Worker_s_Manager_group: [{ Manager_ID: '100001' }],
    })
    expect(byId.get(first)?.businessTitle).toBe('Principal Engineer')
    expect(byId.get(first)).not.toHaveProperty('Email_-_Home')
    expect(byId.get(second)).toMatchObject({ Termination_Date: '2026-06-30', Active_Status: '0' })
    // Columns stay in report order after an edit: Termination_Date right before Active_Status.
    const keys = Object.keys(byId.get(second) ?? {})
    expect(keys.indexOf('Active_Status') - keys.indexOf('Termination_Date')).toBe(1)
    expect(byId.get(third)).toMatchObject({ Worker_s_Manager_group: [{ Manager_ID: first }], Supervisory_Organization: 'Engineering (someone)' })

    // Later than every change: nothing. A Workday zoned date works too; a bad value is a 400.
    expect((await getJson<Report>(reportUrl({ format: 'json', Updated_Since: new Date(now).toISOString() }))).Report_Entry).toEqual([])
    // Changes happened at 2100-01-01T12:00Z: midnight at -08:00 is 08:00Z (before), at -13:00 it is 13:00Z (after).
    expect((await getJson<Report>(reportUrl({ format: 'json', Updated_Since: '2100-01-01-08:00' }))).Report_Entry).toHaveLength(4)
    expect((await getJson<Report>(reportUrl({ format: 'json', Updated_Since: '2100-01-01-13:00' }))).Report_Entry).toHaveLength(0)
    expect((await get(reportUrl({ format: 'json', Updated_Since: 'yesterday' }))).status).toBe(400)
    // The CSV is the same report: the new hire is its last row.
    expect((await (await get(reportUrl({ format: 'csv' }))).text()).trimEnd().split('\n').at(-1)).toBe(
      '199001,Ada Newhire,Ada,Newhire,,ada.newhire@example.com,,,,,2026-07-01,,1,100001,',
    )
  })

  it('mutation helpers refuse what a report cannot hold', async () => {
    const fake = await start()
    const data = fake.state.data
    expect(() => hireWorker(data, { Employee_ID: '100001' }, now)).toThrow(/taken/)
    expect(() => hireWorker(data, { Employee_ID: '199002', Favourite_Colour: 'blue' }, now)).toThrow(/no column of the report/)
    expect(() => terminateWorker(data, '100002', '30/06/2026', now)).toThrow(/YYYY-MM-DD/)
    expect(() => changeManager(data, '100002', '999999', now)).toThrow(/no worker/)
    expect(() => updateWorker(data, '100002', { Employee_ID: '1' }, now)).toThrow(/cannot change/)
  })

  it('reportWidColumn: each JSON entry carries its WID right after the Employee_ID', async () => {
    await start({ reportWidColumn: 'Worker_WID' })
    const body = await getJson<Report>(reportUrl())
    const expected = exportReport().Report_Entry
    expect(body.Report_Entry.map((entry) => Object.keys(entry).slice(0, 3))).toEqual(expected.map((entry) => ['Employee_ID', 'Worker_WID', Object.keys(entry)[1]]))
    expect(body.Report_Entry.map((entry) => entry.Worker_WID)).toEqual(expected.map((entry) => widOf(entry.Employee_ID)))
  })

  it('an unknown report, owner or tenant is 404', async () => {
    const fake = await start()
    expect((await get(reportUrl({ format: 'json' }, 'Other_Report'))).status).toBe(404)
    expect((await get(`${fake.baseUrl}/ccx/service/customreport2/${fake.tenant}/someone_else/CG_Workers?format=json`)).status).toBe(404)
    expect((await get(`${fake.baseUrl}/ccx/service/customreport2/other_tenant/ISU_CustomerGraph/CG_Workers?format=json`)).status).toBe(404)
  })
})

describe('Workday fake: REST workers', () => {
  it('limit/offset paging reaches total exactly, over the active workers, for common/v1 and staffing/v6', async () => {
    await start()
    const active = exportReport().Report_Entry.filter((entry) => entry.Active_Status === '1')
    const count = active.length
    expect(count).toBeGreaterThan(20)
    expect(count % 6).not.toBe(0)
    for (const service of ['common/v1', 'staffing/v6']) {
      const { workers, totals, pages } = await pageAll(6, service)
      expect(pages).toBe(Math.ceil(count / 6))
      expect(totals).toEqual(Array.from({ length: pages }, () => count))
      expect(workers).toHaveLength(count)
      expect(new Set(workers.map((worker) => worker.id)).size).toBe(count)
      expect(workers.map((worker) => worker.id)).toEqual(active.map((entry) => widOf(entry.Employee_ID)))
      expect(workers.map((worker) => worker.primaryWorkEmail)).toEqual(active.map((entry) => entry['Email_-_Work']))
    }
    // Default limit 20; max 100; a page past the end is empty but still says total.
    expect((await getJson<Page>(workersUrl())).data).toHaveLength(20)
    expect((await getJson<Page>(workersUrl({ limit: '100' }))).data).toHaveLength(count)
    expect(await getJson(workersUrl({ offset: String(count) }))).toEqual({ total: count, data: [] })
  })

  it('limit above 100, below 1 or not a number, and a negative offset, are 400', async () => {
    await start()
    const invalid: Array<Record<string, string>> = [{ limit: '101' }, { limit: '0' }, { limit: 'ten' }, { offset: '-1' }]
    for (const params of invalid) {
      const response = await get(workersUrl(params))
      expect(response.status, JSON.stringify(params)).toBe(400)
      const body = (await response.json()) as { errors: Array<{ field: string }> }
      expect(body.errors[0]?.field).toBe(Object.keys(params)[0])
    }
  })

  it('a worker has the workerSummary shape; /workers/{id} answers the same object; unknown ids are 404', async () => {
    const fake = await start()
    const page = await getJson<Page>(workersUrl({ limit: '3' }))
    const vp = page.data[1]
    if (!vp) throw new Error('no second worker')
    const entry = exportReport().Report_Entry[1]
    if (!entry) throw new Error('no second entry')
    expect(vp).toEqual({
      id: widOf('100002'),
      descriptor: entry.Worker,
      href: `${fake.baseUrl}/ccx/api/common/v1/${fake.tenant}/workers/${widOf('100002')}`,
      isManager: true,
      primaryWorkEmail: entry['Email_-_Work'],
      primaryWorkPhone: entry.primaryWorkPhone,
      businessTitle: entry.businessTitle,
      primarySupervisoryOrganization: { id: expect.stringMatching(/^[0-9a-f]{32}$/), descriptor: entry.Supervisory_Organization, href: expect.stringContaining('/supervisoryOrganizations/') },
      location: { id: expect.stringMatching(/^[0-9a-f]{32}$/), descriptor: entry.Location },
    })
    expect(vp.id).toMatch(/^[0-9a-f]{32}$/)
    expect(await getJson(vp.href)).toEqual(vp)
    expect((await get(workersUrl({}, 'common/v1', '0'.repeat(32)))).status).toBe(404)
    expect((await get(workersUrl({}, 'recruiting/v4'))).status).toBe(404)
  })

  it('legacy /ccx/api/v4 workers nest job and person like the faros-ai sample (keys are a subset of it)', async () => {
    const fake = await start()
    const sample = JSON.parse(readFileSync(farosWorkers, 'utf8')) as { data: LegacyWorker[] }
    const page = await getJson<{ data: LegacyWorker[] }>(`${fake.baseUrl}/ccx/api/v4/${fake.tenant}/workers?limit=2`)
    expect(Object.keys(page).sort()).toEqual(Object.keys(sample).sort())
    const keysOf = (value: Json): string[] => Object.keys(value).sort()
    const sampleWorker = sample.data[0]
    if (!sampleWorker) throw new Error('the faros sample has no worker')
    for (const worker of page.data) {
      expect(keysOf(worker).filter((key) => !(key in sampleWorker))).toEqual([])
      expect(keysOf(worker.primaryJob).filter((key) => !(key in sampleWorker.primaryJob))).toEqual([])
      expect(keysOf(worker.person).filter((key) => !(key in sampleWorker.person))).toEqual([])
      expect(keysOf(worker.primaryJob.location).filter((key) => !(key in sampleWorker.primaryJob.location))).toEqual([])
    }
    expect(page.data[0]).toMatchObject({ id: widOf('100001'), person: { email: exportReport().Report_Entry[0]?.['Email_-_Work'] } })
  })

  it('source ids: a default REST worker carries only its WID; with restEmployeeIdKey the importer lands it as the export did', async () => {
    await start()
    const landAs = (worker: Json): string => {
      const item = workerItem(worker, { file: 'rest' }, { kind: 'rest' }, {}, () => '')
      return item.type === 'record' ? item.record.sourceId : 'rejected'
    }
    const plain = (await getJson<Page>(workersUrl({ limit: '1' }))).data[0] ?? {}
    expect(landAs(plain)).toBe(widOf('100001'))
    await fake?.close()
    await start({ restEmployeeIdKey: 'workerId' })
    const withId = (await getJson<Page>(workersUrl({ limit: '100' }))).data
    expect(withId[0]?.workerId).toBe('100001')
    expect(withId.map(landAs)).toEqual(activeIds())
  })

  it('terminated workers leave the list (total drops), hires join it, isManager follows manager changes', async () => {
    const fake = await start()
    const data = fake.state.data
    terminateWorker(data, '100003', '2026-06-30', now)
    hireWorker(data, { Employee_ID: '199001', Worker: 'Ada Newhire', 'Email_-_Work': 'ada@example.com', Worker_s_Manager_group: [{ Manager_ID: '100030' }] }, now)
    const { workers } = await pageAll(10)
    expect(activeIds()).toContain('100003')
    expect(workers).toHaveLength(activeIds().length)
    expect(workers.map((worker) => worker.id)).not.toContain(widOf('100003'))
    expect(workers.at(-1)).toMatchObject({ id: widOf('199001'), descriptor: 'Ada Newhire', isManager: false })
    expect(workers.find((worker) => worker.id === widOf('100030'))?.isManager).toBe(true)
    expect((await get(workersUrl({}, 'common/v1', widOf('100003')))).status).toBe(404)
    changeManager(data, '199001', undefined, now)
    expect((await getJson<RestWorker>(workersUrl({}, 'common/v1', widOf('100030')))).isManager).toBe(
      exportReport().Report_Entry.some((entry) => entry.Active_Status === '1' && entry.Worker_s_Manager_group?.[0]?.Manager_ID === '100030'),
    )
    // A manager whose only active report leaves is no manager any more.
    const entries = exportReport().Report_Entry
    const reportsOf = (id: string): Entry[] => entries.filter((entry) => entry.Active_Status === '1' && entry.Worker_s_Manager_group?.[0]?.Manager_ID === id)
    const soleManager = activeIds().find((id) => reportsOf(id).length === 1 && id !== '100003' && reportsOf(id)[0]?.Employee_ID !== '100003')
    const soleReport = soleManager === undefined ? undefined : reportsOf(soleManager)[0]
    if (soleManager === undefined || soleReport === undefined) throw new Error('the generated report has no manager with exactly one report')
    expect((await getJson<RestWorker>(workersUrl({}, 'common/v1', widOf(soleManager)))).isManager).toBe(true)
    terminateWorker(data, soleReport.Employee_ID, '2026-06-30', now)
    expect((await getJson<RestWorker>(workersUrl({}, 'common/v1', widOf(soleManager)))).isManager).toBe(false)
    fake.state.restIncludeTerminated = true
    expect((await getJson<Page>(workersUrl({ limit: '1' }))).total).toBe(entries.length + 1)
  })
})

describe('Workday fake: authentication', () => {
  it('Basic with the integration system user works; missing or wrong credentials are 401 on RaaS and REST', async () => {
    await start()
    for (const url of [reportUrl(), workersUrl()]) {
      expect((await get(url)).status).toBe(200)
      const missing = await get(url, null)
      expect(missing.status).toBe(401)
      expect(missing.headers.get('www-authenticate')).toMatch(/^Basic/)
      expect((await get(url, basic(defaultBasic.username, 'wrong'))).status).toBe(401)
      expect((await get(url, basic('someone', defaultBasic.password))).status).toBe(401)
      expect((await get(url, 'Bearer not-issued')).status).toBe(401)
    }
  })

  it('OAuth refresh-token grant gives a bearer token that works on RaaS and REST; client auth may be HTTP Basic', async () => {
    await start()
    const response = await requestToken()
    expect(response.status).toBe(200)
    const body = (await response.json()) as { access_token: string }
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', refresh_token: defaultOAuth.refreshToken })
    const token = `Bearer ${body.access_token}`
    expect((await getJson<Report>(reportUrl(), token)).Report_Entry).toHaveLength(30)
    expect((await getJson<Page>(workersUrl(), token)).total).toBe(activeIds().length)

    const viaBasic = await requestToken({ client_id: '', client_secret: '' }, { Authorization: basic(defaultOAuth.clientId, defaultOAuth.clientSecret) })
    expect(viaBasic.status).toBe(200)
  })

  it('bad client, bad refresh token and other grants are refused', async () => {
    await start()
    const badClient = await requestToken({ client_secret: 'wrong' })
    expect([badClient.status, ((await badClient.json()) as Json).error]).toEqual([401, 'invalid_client'])
    const badGrant = await requestToken({ refresh_token: 'revoked' })
    expect([badGrant.status, ((await badGrant.json()) as Json).error]).toEqual([400, 'invalid_grant'])
    const otherGrant = await requestToken({ grant_type: 'client_credentials' })
    expect([otherGrant.status, ((await otherGrant.json()) as Json).error]).toEqual([400, 'unsupported_grant_type'])
    const { baseUrl } = started()
    expect((await fetch(`${baseUrl}/ccx/oauth2/other_tenant/token`, { method: 'POST' })).status).toBe(404)
  })

  it('an expired token is 401 (invalid_token, "expired"); a refresh gives a working one', async () => {
    await start({ tokenTtlMs: 60_000 })
    const token = await bearer()
    expect((await get(workersUrl(), token)).status).toBe(200)
    now += 60_000
    const expired = await get(workersUrl(), token)
    expect(expired.status).toBe(401)
    expect(expired.headers.get('www-authenticate')).toMatch(/invalid_token.*expired/)
    expect(((await expired.json()) as Json).error).toBe('expired access token')
    const fresh = await bearer()
    expect((await get(workersUrl(), fresh)).status).toBe(200)
    started().state.expireTokens()
    expect((await get(reportUrl(), fresh)).status).toBe(401)
  })

  it('the call log never holds credentials', async () => {
    await start()
    await get(reportUrl())
    await get(workersUrl(), await bearer())
    const logged = JSON.stringify(started().state.calls)
    for (const secret of [defaultBasic.password, defaultOAuth.clientSecret, defaultOAuth.refreshToken, defaultOAuth.clientId, Buffer.from(`${defaultBasic.username}:${defaultBasic.password}`).toString('base64')]) {
      expect(logged).not.toContain(secret)
    }
    expect(started().state.calls.map((call) => [call.api, call.auth, call.outcome])).toEqual([
      ['raas', 'basic', 'ok'],
      ['token', 'none', 'ok'],
      ['rest', 'bearer', 'ok'],
    ])
    expect(started().state.callsOf('token')[0]?.params).toEqual({ grant_type: 'refresh_token' })
  })
})

describe('Workday fake: faults', () => {
  it('429 with Retry-After, then 429 without, then the real answer; each attempt is logged', async () => {
    const fake = await start()
    fake.state.inject('raas', { type: 'rate_limited', retryAfter: 7 })
    fake.state.inject('raas', { type: 'rate_limited' })
    const first = await get(reportUrl())
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '7'])
    const second = await get(reportUrl())
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, null])
    expect((await get(reportUrl())).status).toBe(200)
    expect(fake.state.callsOf('raas').map((call) => call.outcome)).toEqual(['fault:rate_limited', 'fault:rate_limited', 'ok'])
  })

  it('faults hit only their target; storm lasts until clearFaults', async () => {
    const fake = await start()
    fake.state.inject('rest', { type: 'http_error', status: 503 })
    expect((await get(reportUrl())).status).toBe(200)
    expect((await get(workersUrl())).status).toBe(503)
    fake.state.storm('*', 2)
    for (const url of [reportUrl(), workersUrl(), workersUrl({ offset: '20' })]) expect((await get(url)).status).toBe(429)
    expect((await requestToken()).status).toBe(429)
    fake.state.clearFaults()
    expect((await get(workersUrl())).status).toBe(200)
  })

  it('5xx: a report run that times out answers 500/504 with an HTML body', async () => {
    const fake = await start()
    fake.state.inject('raas', { type: 'http_error', status: 504 })
    fake.state.inject('raas', { type: 'http_error', status: 500, body: '<html><body>The report run timed out</body></html>' })
    const gateway = await get(reportUrl())
    expect([gateway.status, gateway.headers.get('content-type')]).toEqual([504, 'text/html;charset=UTF-8'])
    const timedOut = await get(reportUrl())
    expect([timedOut.status, await timedOut.text()]).toEqual([500, '<html><body>The report run timed out</body></html>'])
  })

  it('hang: the report never answers; the client timeout ends the call and close() does not wait for it', async () => {
    const running = await start()
    running.state.inject('raas', { type: 'hang' })
    const error = await failure(get(reportUrl(), basic(), { signal: AbortSignal.timeout(300) }))
    expect(error.name).toBe('TimeoutError')
    expect(running.state.callsOf('raas')[0]?.outcome).toBe('fault:hang')
    running.state.inject('rest', { type: 'hang' })
    const pending = failure(get(workersUrl()))
    await new Promise((resolve) => setTimeout(resolve, 100))
    fake = undefined
    await running.close()
    expect((await pending).message).toBe('fetch failed')
  })

  it('slow: the answer comes after the delay, so a shorter client timeout fails and a longer one succeeds', async () => {
    const fake = await start()
    fake.state.inject('raas', { type: 'slow', delayMs: 400 }, 2)
    expect((await failure(get(reportUrl(), basic(), { signal: AbortSignal.timeout(100) }))).name).toBe('TimeoutError')
    const started = Date.now()
    const response = await get(reportUrl(), basic(), { signal: AbortSignal.timeout(5_000) })
    expect(response.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(350)
    expect(((await response.json()) as Report).Report_Entry).toHaveLength(30)
  })

  it('reset: fetch fails with ECONNRESET before any response', async () => {
    const fake = await start()
    fake.state.inject('rest', { type: 'reset' })
    const error = await failure(get(workersUrl()))
    expect(error.message).toBe('fetch failed')
    expect(error.cause?.code).toBe('ECONNRESET')
    expect((await get(workersUrl())).status).toBe(200)
  })

  it('truncated: status 200 and full Content-Length arrive, reading the body fails', async () => {
    const fake = await start()
    fake.state.inject('raas', { type: 'truncated' })
    const response = await get(reportUrl())
    expect(response.status).toBe(200)
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(1000)
    const error = await failure(response.json())
    expect(error.name).toBe('TypeError')
    expect(error.message).toBe('terminated')
    expect(fake.state.callsOf('raas')[0]?.outcome).toBe('fault:truncated')
  })

  it('stall: status 200 and half the body arrive, then nothing until the client gives up', async () => {
    const fake = await start()
    fake.state.inject('raas', { type: 'stall' })
    const controller = new AbortController()
    const response = await get(reportUrl(), basic(), { signal: controller.signal })
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    const first = await reader.read()
    expect(first.value!.length).toBeGreaterThan(0)
    setTimeout(() => controller.abort(), 200)
    const error = await failure((async () => {
      for (;;) if ((await reader.read()).done) return
    })())
    expect(error.name).toBe('AbortError')
    expect(fake.state.callsOf('raas')[0]?.outcome).toBe('fault:stall')
    expect((await get(reportUrl())).status).toBe(200)
  })

  it('expired_token: one 401 whatever the credentials, then the same token works again', async () => {
    const fake = await start()
    const token = await bearer()
    fake.state.inject('rest', { type: 'expired_token' })
    const expired = await get(workersUrl(), token)
    expect(expired.status).toBe(401)
    expect(expired.headers.get('www-authenticate')).toMatch(/expired/)
    expect((await get(workersUrl(), token)).status).toBe(200)
  })
})
