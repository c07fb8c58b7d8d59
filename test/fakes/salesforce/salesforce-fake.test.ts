import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import { Connection } from 'jsforce'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadOrgFromExport } from './org.ts'
import { startSalesforceFake, type SalesforceFake } from './salesforce-fake.ts'
import { compileSoql, runQuery } from './soql.ts'

const BIN = fileURLToPath(new URL('../../../bin/customer-graph.js', import.meta.url))
const VERSION = '62.0'
/** The fake's clock: after every SystemModstamp of the generated export (seed 1). */
const NOW = new Date('2026-12-01T12:00:00.000Z')

let folder: string
let exportDir: string
let fake: SalesforceFake

/** Rows of an export file; every column of the header is present in every row. */
function readCsv(name: string): Record<string, string>[] {
  return parse(readFileSync(join(exportDir, `${name}.csv`)), { columns: true, bom: true })
}

function connect(): Connection {
  return new Connection({ instanceUrl: fake.instanceUrl, accessToken: fake.accessToken, version: VERSION })
}

/** Resolves to 'timeout' when the promise has not settled after `ms`; the promise keeps running. */
function raceTimeout<T>(promise: PromiseLike<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))])
}

async function caught(promise: PromiseLike<unknown>): Promise<Error & { errorCode?: string }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { errorCode?: string }
  }
  throw new Error('expected a rejection')
}

const contactFields = 'Id, IsDeleted, AccountId, FirstName, LastName, Email, HasOptedOutOfEmail, ReportsToId, LastActivityDate, SystemModstamp'

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'salesforce-fake-'))
  execFileSync(process.execPath, [BIN, 'generate', join(folder, 'gen'), '--people', '200', '--seed', '1'], { stdio: 'pipe' })
  exportDir = join(folder, 'gen', 'salesforce')
})

afterAll(() => rmSync(folder, { recursive: true, force: true }))

beforeEach(async () => {
  fake = await startSalesforceFake({ exportFolder: exportDir, now: NOW })
})

afterEach(async () => {
  await fake.close()
})

describe('query and queryMore', () => {
  it('returns exactly the export’s Contacts through the nextRecordsUrl chain, typed like the REST API', async () => {
    fake.state.queryPageSize = 50
    const conn = connect()
    const result = await conn.query(`SELECT ${contactFields} FROM Contact ORDER BY SystemModstamp, Id`, { autoFetch: true, maxFetch: 100_000 })
    const rows = readCsv('Contact')
    expect(rows.length).toBeGreaterThan(150)
    expect(result.totalSize).toBe(rows.length)
    expect(result.records).toHaveLength(rows.length)
    expect(new Set(result.records.map((record) => record.Id))).toEqual(new Set(rows.map((row) => row.Id)))
    // four pages of at most 50: one query, three queryMore through /query/<locator>-<offset>
    const pages = fake.state.callsTo(/^\/services\/data\/v62\.0\/query/)
    expect(pages.map((call) => call.path.replace(/01g\w{15}/, 'LOCATOR'))).toEqual([
      '/services/data/v62.0/query',
      '/services/data/v62.0/query/LOCATOR-50',
      '/services/data/v62.0/query/LOCATOR-100',
      '/services/data/v62.0/query/LOCATOR-150',
    ])
    const byId = new Map(result.records.map((record) => [record.Id, record]))
    for (const row of rows) {
      const record = byId.get(row.Id)
      expect(record?.attributes).toEqual({ type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${row.Id}` })
      expect(record?.IsDeleted).toBe(false)
      expect(record?.HasOptedOutOfEmail).toBe(row.HasOptedOutOfEmail === 'true')
      expect(record?.Email).toBe(row.Email === '' ? null : row.Email)
      expect(record?.ReportsToId).toBe(row.ReportsToId === '' ? null : row.ReportsToId)
      expect(record?.LastActivityDate).toBe(row.LastActivityDate === '' ? null : row.LastActivityDate)
      expect(record?.SystemModstamp).toBe(row.SystemModstamp?.replace(/Z$/, '+0000'))
    }
  })

  it('serves the documented envelope, numbers as numbers, and the limit header on each page', async () => {
    fake.state.queryPageSize = 5
    const url = `${fake.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, AnnualRevenue, NumberOfEmployees, ParentId FROM Account ORDER BY Id')}`
    const response = await fetch(url, { headers: { Authorization: `Bearer ${fake.accessToken}` } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8')
    expect(response.headers.get('sforce-limit-info')).toBe('api-usage=1/15000')
    const body = (await response.json()) as { totalSize: number; done: boolean; nextRecordsUrl: string; records: Record<string, unknown>[] }
    expect(Object.keys(body)).toEqual(['totalSize', 'done', 'nextRecordsUrl', 'records'])
    expect(body).toMatchObject({ totalSize: readCsv('Account').length, done: false })
    expect(body.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-5$/)
    const first = readCsv('Account').sort((a, b) => ((a.Id ?? '') < (b.Id ?? '') ? -1 : 1))[0]
    expect(body.records[0]).toEqual({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${first?.Id}` },
      Id: first?.Id,
      AnnualRevenue: Number(first?.AnnualRevenue),
      NumberOfEmployees: Number(first?.NumberOfEmployees),
      ParentId: null,
    })
    const next = await fetch(fake.instanceUrl + body.nextRecordsUrl, { headers: { Authorization: `Bearer ${fake.accessToken}` } })
    expect(next.headers.get('sforce-limit-info')).toBe('api-usage=2/15000')
    expect(await next.json()).toMatchObject({ done: true })
  })

  it('honours Sforce-Query-Options batchSize (200 at least) and rejects an unknown locator', async () => {
    const conn = connect()
    const page = await conn.query('SELECT Id FROM Contact', { headers: { 'Sforce-Query-Options': 'batchSize=10' } })
    expect(page.records).toHaveLength(readCsv('Contact').length <= 200 ? readCsv('Contact').length : 200)
    const error = await caught(conn.queryMore('/services/data/v62.0/query/01gZz0000000999AAA-200'))
    expect(error.errorCode).toBe('INVALID_QUERY_LOCATOR')
  })
})

describe('incremental sync queries', () => {
  it('returns only records changed after a SystemModstamp, ordered by SystemModstamp and Id', async () => {
    const conn = connect()
    const all = await conn.query<{ SystemModstamp: string }>('SELECT Id, SystemModstamp FROM Contact ORDER BY SystemModstamp DESC LIMIT 1')
    const high = all.records[0]?.SystemModstamp ?? ''
    const literal = new Date(high.replace('+0000', 'Z')).toISOString()
    expect((await conn.query(`SELECT Id FROM Contact WHERE SystemModstamp > ${literal}`)).totalSize).toBe(0)

    const [a, b] = readCsv('Contact')
    fake.state.org.update('Contact', b?.Id ?? '', { Title: 'Chief Customer Officer' })
    fake.state.org.update('Contact', a?.Id ?? '', { Email: 'moved@example.com' })
    const changed = await conn.query(`SELECT Id, Email, Title, SystemModstamp FROM Contact WHERE SystemModstamp > ${literal} ORDER BY SystemModstamp, Id`)
    expect(changed.records.map((record): unknown[] => [record.Id, record.Email, record.Title, record.SystemModstamp])).toEqual([
      [b?.Id, b?.Email, 'Chief Customer Officer', '2026-12-01T12:00:01.000+0000'],
      [a?.Id, 'moved@example.com', a?.Title, '2026-12-01T12:00:02.000+0000'],
    ])
  })

  it('pages a batch of records sharing one SystemModstamp by the Id tie-breaker without gaps or repeats', async () => {
    const conn = connect()
    const ids = readCsv('Contact')
      .slice(0, 7)
      .map((row) => row.Id ?? '')
    const stamp = '2026-11-30T08:00:00.000Z'
    fake.state.org.setSystemModstamp('Contact', ids, stamp)
    const seen: string[] = []
    let lastId = '000000000000000'
    for (let round = 0; round < 10; round++) {
      const page = await conn.query(
        `SELECT Id FROM Contact WHERE SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > '${lastId}') ORDER BY SystemModstamp, Id LIMIT 3`,
      )
      if (page.records.length === 0) break
      for (const record of page.records) seen.push(String(record.Id))
      lastId = seen.at(-1) ?? lastId
    }
    expect(seen).toEqual([...ids].sort())
  })

  it('rejects a quoted datetime and unknown fields or objects with Salesforce’s error codes', async () => {
    const conn = connect()
    const quoted = await caught(conn.query("SELECT Id FROM Contact WHERE SystemModstamp > '2026-01-01T00:00:00Z'"))
    expect(quoted.errorCode).toBe('INVALID_FIELD')
    expect(quoted.message).toContain("value of filter criterion for field 'SystemModstamp' must be of type dateTime and should not be enclosed in quotes")
    const field = await caught(conn.query('SELECT Id, Shoe_Size__c FROM Contact'))
    expect(field.errorCode).toBe('INVALID_FIELD')
    expect(field.message).toBe(
      "\nSELECT Id, Shoe_Size__c FROM Contact\n           ^\nERROR at Row:1:Column:12\nNo such column 'Shoe_Size__c' on entity 'Contact'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    )
    expect((await caught(conn.query('SELECT Id FROM Contract'))).errorCode).toBe('INVALID_TYPE')
    expect((await caught(conn.query('SELECT Id FROM Contact GROUP BY Id'))).errorCode).toBe('MALFORMED_QUERY')
    // a 400 is not retried: one call each
    expect(fake.state.calls).toHaveLength(4)
    const raw = await fetch(`${fake.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Nope FROM Contact')}`, {
      headers: { Authorization: `Bearer ${fake.accessToken}` },
    })
    expect(raw.status).toBe(400)
    expect(await raw.json()).toEqual([{ message: expect.stringContaining("No such column 'Nope'"), errorCode: 'INVALID_FIELD' }])
  })
})

describe('duplicate delivery and overlapping windows', () => {
  it('delivers a query page twice under a new locator, once, and a Bulk results page twice under a new spelling', async () => {
    fake.state.queryPageSize = 50
    fake.state.repeatQueryPage('Contact', 2)
    expect(fake.state.pendingRepeats).toBe(1)
    const result = await connect().query<{ Id: string }>('SELECT Id FROM Contact ORDER BY SystemModstamp, Id', { autoFetch: true, maxFetch: 100_000 })
    const ids = result.records.map((record) => record.Id)
    const rows = readCsv('Contact')
    expect(ids).toHaveLength(rows.length + 50)
    expect(ids.slice(100, 150)).toEqual(ids.slice(50, 100))
    expect(new Set(ids)).toEqual(new Set(rows.map((row) => row.Id)))
    const pages = fake.state.callsTo(/\/query\/01g/).map((call) => call.path.replace(/.*\/query\//, ''))
    expect(pages.map((page) => page.replace(/^01g\w{15}/, 'L'))).toEqual(['L-50', 'L-50', 'L-100', 'L-150'])
    expect(new Set(pages).size).toBe(pages.length)
    expect(fake.state.pendingRepeats).toBe(0)

    fake.state.repeatBulkPage('Account', 1)
    const auth = { Authorization: `Bearer ${fake.accessToken}` }
    const created = await fetch(`${fake.instanceUrl}/services/data/v62.0/jobs/query`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Account ORDER BY Id' }),
    })
    const jobUrl = `${fake.instanceUrl}/services/data/v62.0/jobs/query/${((await created.json()) as { id: string }).id}`
    await fetch(jobUrl, { headers: auth })
    await fetch(jobUrl, { headers: auth })
    const first = await fetch(`${jobUrl}/results?maxRecords=3`, { headers: auth })
    const locator = first.headers.get('sforce-locator') ?? ''
    // Offset 0 again, spelt with leading zeros (one more per replay): a locator the client has not seen.
    expect(Buffer.from(locator, 'base64url').toString()).toMatch(/^00+$/)
    const again = await fetch(`${jobUrl}/results?maxRecords=3&locator=${locator}`, { headers: auth })
    expect(await again.text()).toBe(await first.text())
    expect(Buffer.from(again.headers.get('sforce-locator') ?? '', 'base64url').toString()).toBe('3')
  })

  it('moves a changes window earlier by modstampOverlapMs, in REST queries and Bulk jobs', async () => {
    const conn = connect()
    const [a, b] = readCsv('Contact')
    fake.state.org.update('Contact', a?.Id ?? '', { Title: 'First' })
    const after = fake.state.org.clock.now().toISOString()
    fake.state.org.update('Contact', b?.Id ?? '', { Title: 'Second' })
    const soql = `SELECT Id FROM Contact WHERE SystemModstamp > ${after} ORDER BY SystemModstamp, Id`
    expect((await conn.query<{ Id: string }>(soql)).records.map((record) => record.Id)).toEqual([b?.Id])
    fake.state.modstampOverlapMs = 5_000
    expect((await conn.query<{ Id: string }>(soql)).records.map((record) => record.Id)).toEqual([a?.Id, b?.Id])
  })
})

describe('deletes', () => {
  it('hides deleted records from query and shows them with IsDeleted in queryAll, across pages', async () => {
    fake.state.queryPageSize = 100
    const conn = connect()
    const victim = readCsv('Contact')[3]?.Id ?? ''
    fake.state.org.delete('Contact', victim)
    const live = await conn.query('SELECT Id FROM Contact', { autoFetch: true, maxFetch: 100_000 })
    expect(live.records.map((record) => record.Id)).not.toContain(victim)
    // jsforce 3 has no conn.queryAll(): queryAll is the scanAll option of query()
    const all = await conn.query<{ Id: string; IsDeleted: boolean }>('SELECT Id, IsDeleted FROM Contact ORDER BY Id', { scanAll: true, autoFetch: true, maxFetch: 100_000 })
    expect(all.records).toHaveLength(readCsv('Contact').length)
    expect(all.records.filter((record) => record.IsDeleted).map((record) => record.Id)).toEqual([victim])
    // the queryAll cursor answers on /query/<locator> as Salesforce documents
    expect(fake.state.callsTo(/\/queryAll$/)).toHaveLength(1)
    expect(fake.state.callsTo(/\/query\/01g/).length).toBeGreaterThan(0)
    fake.state.org.undelete('Contact', victim)
    expect((await conn.query(`SELECT Id FROM Contact WHERE Id = '${victim}'`)).totalSize).toBe(1)
  })

  it('lists deleted and updated ids for a window through sobject().deleted and .updated', async () => {
    const conn = connect()
    const [kept, gone] = readCsv('Contact')
    fake.state.org.update('Contact', kept?.Id ?? '', { Title: 'CFO' })
    fake.state.org.delete('Contact', gone?.Id ?? '')
    fake.state.org.clock.advance(60_000)
    const start = new Date(NOW.getTime() - 2 * 86_400_000)
    const end = fake.state.org.clock.now()
    const deleted = await conn.sobject('Contact').deleted(start, end)
    expect(deleted).toEqual({
      deletedRecords: [{ id: gone?.Id, deletedDate: '2026-12-01T12:00:02.000+0000' }],
      // the clock stands at 12:01:02 after the two edits and the minute; 15 days back, whole minutes
      earliestDateAvailable: '2026-11-16T12:01:00.000+0000',
      latestDateCovered: '2026-12-01T12:01:00.000+0000',
    })
    const updated = await conn.sobject('Contact').updated(start, end)
    expect(updated).toEqual({ ids: [kept?.Id], latestDateCovered: '2026-12-01T12:01:00.000+0000' })
    expect(fake.state.callsTo(/\/deleted/)[0]?.path).toBe(
      '/services/data/v62.0/sobjects/Contact/deleted?start=2026-11-29T12%3A00%3A00%2B00%3A00&end=2026-12-01T12%3A01%3A02%2B00%3A00',
    )

    const tooOld = await caught(conn.sobject('Contact').deleted(new Date(NOW.getTime() - 16 * 86_400_000), end))
    expect(tooOld.errorCode).toBe('INVALID_REPLICATION_DATE')
    expect((await caught(conn.sobject('Contact').updated(new Date(NOW.getTime() - 31 * 86_400_000), end))).errorCode).toBe('INVALID_REPLICATION_DATE')
    fake.state.org.purgeDeleteLog(new Date(NOW.getTime() - 86_400_000))
    expect((await caught(conn.sobject('Contact').deleted(start, end))).errorCode).toBe('INVALID_REPLICATION_DATE')
  })
})

describe('Bulk API 2.0 query', () => {
  async function bulkRecords(conn: Connection, soql: string, options: { scanAll?: boolean } = {}): Promise<Record<string, string>[]> {
    conn.bulk2.pollInterval = 10
    const stream = await conn.bulk2.query(soql, options)
    return await new Promise((resolve, reject) => {
      const rows: Record<string, string>[] = []
      stream.on('record', (record: Record<string, string>) => rows.push(record))
      stream.on('end', () => resolve(rows))
      stream.on('error', reject)
    })
  }

  it('runs a job through UploadComplete → InProgress → JobComplete and streams every row as the export has it', async () => {
    const conn = connect()
    const rows = await bulkRecords(conn, 'SELECT Id, Email, HasOptedOutOfEmail, SystemModstamp FROM Contact')
    const exported = readCsv('Contact')
    expect(rows).toEqual(exported.map((row) => ({ Id: row.Id, Email: row.Email, HasOptedOutOfEmail: row.HasOptedOutOfEmail, SystemModstamp: row.SystemModstamp })))
    const jobCalls = fake.state.callsTo(/\/jobs\/query/).map((call) => `${call.method} ${call.path.replace(/750\w{15}/, 'JOB')} ${call.status}`)
    expect(jobCalls).toEqual([
      'POST /services/data/v62.0/jobs/query 200',
      'GET /services/data/v62.0/jobs/query/JOB 200',
      'GET /services/data/v62.0/jobs/query/JOB 200',
      'GET /services/data/v62.0/jobs/query/JOB/results 200',
    ])
  })

  it('pages results with Sforce-Locator until the string null, quoting every cell', async () => {
    const conn = connect()
    conn.bulk2.pollInterval = 10
    const created = await fetch(`${fake.instanceUrl}/services/data/v62.0/jobs/query`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fake.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'query', query: 'SELECT Id, Name, AnnualRevenue, ParentId FROM Account ORDER BY Id' }),
    })
    const job = (await created.json()) as { id: string; state: string; object: string }
    expect(job).toMatchObject({ state: 'UploadComplete', object: 'Account', id: expect.stringMatching(/^750/) })
    const auth = { Authorization: `Bearer ${fake.accessToken}` }
    const jobUrl = `${fake.instanceUrl}/services/data/v62.0/jobs/query/${job.id}`
    expect(await (await fetch(`${jobUrl}/results`, { headers: auth })).json()).toEqual([
      { errorCode: 'INVALIDJOB', message: expect.stringContaining('not complete') },
    ])
    expect(((await (await fetch(jobUrl, { headers: auth })).json()) as { state: string }).state).toBe('InProgress')
    expect(((await (await fetch(jobUrl, { headers: auth })).json()) as { state: string }).state).toBe('JobComplete')
    const accounts = readCsv('Account').sort((a, b) => ((a.Id ?? '') < (b.Id ?? '') ? -1 : 1))
    let locator = ''
    const bodies: string[] = []
    do {
      const page = await fetch(`${jobUrl}/results?maxRecords=3${locator ? `&locator=${locator}` : ''}`, { headers: auth })
      expect(page.headers.get('content-type')).toBe('text/csv')
      expect(Number(page.headers.get('sforce-numberofrecords'))).toBe(Math.min(3, accounts.length - bodies.length * 3))
      locator = page.headers.get('sforce-locator') ?? ''
      bodies.push(await page.text())
    } while (locator !== 'null')
    expect(bodies).toHaveLength(Math.ceil(accounts.length / 3))
    const first = accounts[0]
    expect(bodies[0]?.split('\n').slice(0, 2)).toEqual([
      '"Id","Name","AnnualRevenue","ParentId"',
      `"${first?.Id}","${first?.Name?.replaceAll('"', '""')}","${first?.AnnualRevenue}",""`,
    ])
  })

  it('includes deleted rows for queryAll and surfaces a Failed job', async () => {
    const conn = connect()
    const victim = readCsv('Lead')[0]?.Id ?? ''
    fake.state.org.delete('Lead', victim)
    expect((await bulkRecords(conn, 'SELECT Id FROM Lead')).map((row) => row.Id)).not.toContain(victim)
    const all = await bulkRecords(conn, 'SELECT Id, IsDeleted FROM Lead', { scanAll: true })
    expect(all.find((row) => row.Id === victim)?.IsDeleted).toBe('true')
    fake.state.failNextBulkJobs(1)
    expect((await caught(bulkRecords(conn, 'SELECT Id FROM Lead'))).message).toBe('Query job failed to complete')
  })
})

describe('limits and faults', () => {
  it('counts calls in Sforce-Limit-Info, which jsforce exposes as conn.limitInfo, and serves /limits', async () => {
    const fresh = await startSalesforceFake({ exportFolder: exportDir, now: NOW, apiUsed: 4_990, apiLimit: 5_000 })
    try {
      const conn = new Connection({ instanceUrl: fresh.instanceUrl, accessToken: fresh.accessToken, version: VERSION })
      await conn.query('SELECT Id FROM User')
      expect(conn.limitInfo.apiUsage).toEqual({ used: 4_991, limit: 5_000 })
      const limits = await conn.request<{ DailyApiRequests: { Max: number; Remaining: number } }>('/limits')
      expect(limits.DailyApiRequests).toEqual({ Max: 5_000, Remaining: 8 })
      expect(conn.limitInfo.apiUsage).toEqual({ used: 4_992, limit: 5_000 })
    } finally {
      await fresh.close()
    }
  })

  it('answers 403 REQUEST_LIMIT_EXCEEDED once usage would pass the ceiling, and jsforce does not retry it', async () => {
    const conn = connect()
    fake.state.exceedRequestLimitAfter(1)
    await conn.query('SELECT Id FROM Account')
    const error = await caught(conn.query('SELECT Id FROM Account'))
    expect(error.errorCode).toBe('REQUEST_LIMIT_EXCEEDED')
    expect(error.name).toBe('REQUEST_LIMIT_EXCEEDED')
    expect(error.message).toBe('TotalRequests Limit exceeded.')
    expect(fake.state.calls.map((call) => call.status)).toEqual([200, 403])
    expect(conn.limitInfo.apiUsage).toEqual({ used: 1, limit: 1 })
  })

  it('lets jsforce retry GETs through 503s and a connection reset (RST)', async () => {
    const conn = connect()
    fake.state.failNext(1, 503)
    fake.state.resetNext(1)
    const result = await conn.query('SELECT Id FROM Account')
    expect(result.totalSize).toBe(readCsv('Account').length)
    expect(fake.state.calls.map((call) => call.fault ?? call.status)).toEqual(['serverError', 'reset', 200])
  })

  it('fails without retry when the connection closes before an answer (undici UND_ERR_SOCKET is not in jsforce’s list)', async () => {
    const conn = connect()
    fake.state.closeNext(1)
    const error = await caught(conn.query('SELECT Id FROM Account'))
    expect(error.message).toBe('fetch failed')
    expect((error.cause as { code?: string }).code).toBe('UND_ERR_SOCKET')
    expect(fake.state.calls).toHaveLength(1)
  })

  it('shows that jsforce never settles on a body that stops half-way (the sync needs its own timeout)', async () => {
    const conn = connect()
    fake.state.truncateNext(1)
    const pending = Promise.resolve(conn.query('SELECT Id, Name FROM Account'))
    pending.catch(() => undefined)
    expect(await raceTimeout(pending, 1_500)).toBe('timeout')
    expect(fake.state.calls).toEqual([expect.objectContaining({ fault: 'truncate', status: 200 })])
    // the same request without the fault completes, so the hang is the truncation's doing
    expect(await raceTimeout(conn.query('SELECT Id, Name FROM Account'), 1_500)).toMatchObject({ totalSize: readCsv('Account').length })
  })

  it('shows that a body cut off by a closed connection kills the jsforce process (unhandled stream error)', async () => {
    fake.state.truncateAndCloseNext(1)
    const child = fileURLToPath(new URL('./jsforce-query-child.ts', import.meta.url))
    const outcome = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [child, fake.instanceUrl, fake.accessToken, 'SELECT Id FROM Account'], { timeout: 20_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
      )
    })
    expect(outcome.code).toBe(1)
    expect(outcome.stderr).toContain("Unhandled 'error' event")
    expect(outcome.stderr).toContain('TypeError: terminated')
    // and the same child succeeds without the fault
    const ok = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [child, fake.instanceUrl, fake.accessToken, 'SELECT Id FROM Account'], { timeout: 20_000 }, (error, stdout) =>
        error ? reject(new Error(`child failed: ${error.message}`)) : resolve(stdout),
      )
    })
    expect(JSON.parse(ok)).toEqual({ totalSize: readCsv('Account').length })
  })

  it('can answer slowly or not at all', async () => {
    const conn = connect()
    fake.state.delayNext(300)
    const started = Date.now()
    await conn.query('SELECT Id FROM Account')
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    fake.state.hangNext(1)
    const pending = Promise.resolve(conn.query('SELECT Id FROM Account'))
    // when the fake closes after the test, this request fails with "fetch failed"
    pending.catch(() => undefined)
    expect(await raceTimeout(pending, 500)).toBe('timeout')
  })
})

describe('OAuth and sessions', () => {
  const oauth2 = (): { loginUrl: string; clientId: string; clientSecret: string } => ({
    loginUrl: fake.loginUrl,
    clientId: fake.state.credentials.clientId,
    clientSecret: fake.state.credentials.clientSecret,
  })

  it('logs in with the password grant through oauth2.loginUrl and re-logs in once when the session expires', async () => {
    const conn = new Connection({ oauth2: oauth2(), version: VERSION })
    const { username, password } = fake.state.credentials
    const userInfo = await conn.login(username, password)
    expect(userInfo).toEqual({ id: fake.state.userId, organizationId: fake.state.orgId, url: `${fake.loginUrl}/id/${fake.state.orgId}/${fake.state.userId}` })
    expect(conn.instanceUrl).toBe(fake.instanceUrl)
    fake.state.expireSessions()
    expect((await conn.query('SELECT Id FROM Account')).totalSize).toBe(readCsv('Account').length)
    expect(fake.state.calls.map((call) => `${call.grantType ?? call.path} ${call.status}`)).toEqual([
      'password 200',
      '/services/data/v62.0/query 401',
      'password 200',
      '/services/data/v62.0/query 200',
    ])
    expect(JSON.stringify(fake.state.calls)).not.toContain(password)
  })

  it('refreshes an expired session once with the refresh_token grant', async () => {
    const conn = new Connection({ oauth2: oauth2(), instanceUrl: fake.instanceUrl, accessToken: fake.accessToken, refreshToken: fake.refreshToken, version: VERSION })
    const refreshed: string[] = []
    conn.on('refresh', (token: string) => refreshed.push(token))
    fake.state.expireSessions()
    const raw = await fetch(`${fake.instanceUrl}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${fake.accessToken}` } })
    expect(raw.status).toBe(401)
    expect(await raw.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }])
    expect((await conn.query('SELECT Id FROM Account')).totalSize).toBe(readCsv('Account').length)
    expect(refreshed).toHaveLength(1)
    expect(conn.accessToken).toBe(refreshed[0])
    expect(fake.state.calls.filter((call) => call.grantType === 'refresh_token')).toHaveLength(1)
    expect(JSON.stringify(fake.state.calls)).not.toContain(fake.refreshToken)
  })

  it('rejects a wrong password with the OAuth error body', async () => {
    const conn = new Connection({ oauth2: oauth2(), version: VERSION })
    const error = await caught(conn.login(fake.state.credentials.username, 'wrong'))
    expect(error.name).toBe('invalid_grant')
    expect(error.message).toBe('authentication failure')
  })
})

describe('metadata endpoints', () => {
  it('lists versions and describes an object with jsforce', async () => {
    const versions = (await (await fetch(`${fake.instanceUrl}/services/data/`)).json()) as { version: string; label: string; url: string }[]
    expect(versions).toContainEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' })
    const conn = connect()
    const description = await conn.sobject('Contact').describe()
    expect(description.name).toBe('Contact')
    expect(description.keyPrefix).toBe('003')
    expect(description.fields.find((field) => field.name === 'SystemModstamp')?.type).toBe('datetime')
    expect(description.fields.find((field) => field.name === 'HasOptedOutOfEmail')?.type).toBe('boolean')
    const global = await conn.describeGlobal()
    expect(global.sobjects.map((sobject) => sobject.name)).toEqual(expect.arrayContaining(['Account', 'Contact', 'Lead', 'User']))
  })
})

describe('SOQL subset', () => {
  const org = (): ReturnType<typeof loadOrgFromExport> => loadOrgFromExport(exportDir, { now: NOW })

  it('evaluates IN, NOT, null comparisons, COUNT() and OFFSET', () => {
    const o = org()
    const contacts = o.records('Contact')
    const withoutReports = contacts.filter((record) => record.ReportsToId === null).length
    expect(runQuery(compileSoql('SELECT COUNT() FROM Contact WHERE ReportsToId = null', o), false)).toHaveLength(withoutReports)
    expect(runQuery(compileSoql('SELECT Id FROM Contact WHERE NOT (ReportsToId = null)', o), false)).toHaveLength(contacts.length - withoutReports)
    const [first, second] = contacts
    const chosen = runQuery(compileSoql(`SELECT Id FROM Contact WHERE Id IN ('${String(first?.Id)}', '${String(second?.Id).slice(0, 15)}') ORDER BY Id DESC`, o), false)
    expect(chosen.map((record) => record.Id)).toEqual([first?.Id, second?.Id].sort().reverse())
    expect(runQuery(compileSoql('SELECT Id FROM Contact ORDER BY Id LIMIT 2 OFFSET 1', o), false).map((record) => record.Id)).toEqual(
      contacts
        .map((record) => record.Id)
        .sort()
        .slice(1, 3),
    )
    expect(() => compileSoql('SELECT Id FROM Contact WHERE IsDeleted = 1', o)).toThrow(/must be of type boolean/)
    expect(() => compileSoql('SELECT Account.Name FROM Contact', o)).toThrow(/unexpected token/)
  })
})
