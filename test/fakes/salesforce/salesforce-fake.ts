import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toSalesforceId18 } from '../../../src/connectors/salesforce/salesforce-id.ts'
import { loadOrgFromExport, type FieldDescription, type FieldValue, type SalesforceOrg, type SObjectRecord, type SObjectTable } from './org.ts'
import { compileSoql, runQuery, SoqlError, withModstampWindowEarlier, type CompiledQuery } from './soql.ts'

/**
 * A local fake of the Salesforce REST API (query, queryAll, getUpdated/getDeleted, describe, limits),
 * Bulk API 2.0 query jobs and the OAuth token endpoint, for the real `jsforce` Connection. Shapes follow
 * the documented envelopes: error bodies are arrays `[{message, errorCode}]`, every authenticated REST
 * response carries `Sforce-Limit-Info: api-usage=N/M`, datetimes in JSON look like
 * `2024-09-15T10:04:25.000+0000`. Faults (rate limit, 5xx, reset, truncated body, hang, expired
 * session) are switched per test through `state`. See README.md in this folder.
 */

export interface SalesforceFakeCredentials {
  username: string
  password: string
  clientId: string
  clientSecret: string
}

export interface SalesforceFakeOptions {
  /** A Data Export folder (`Account.csv`, `Contact.csv`, …); or pass `org`. */
  exportFolder?: string
  org?: SalesforceOrg
  /** Start of the fake clock when loading `exportFolder`; default now. */
  now?: Date
  /** DailyApiRequests Max; default 15,000 (Developer Edition). */
  apiLimit?: number
  /** Calls already used today; default 0. */
  apiUsed?: number
  credentials?: Partial<SalesforceFakeCredentials>
  /** The running user (the `005…` in the identity URL); default the first User of the org. */
  userId?: string
}

export type FaultKind =
  /** Answer with this 5xx and Salesforce's error array; jsforce retries GETs on 500/502/503/504. */
  | { kind: 'serverError'; status?: 500 | 502 | 503 | 504 }
  /** TCP RST before any byte is written: ECONNRESET, which jsforce retries for GETs. */
  | { kind: 'reset' }
  /** Plain close (FIN) before any byte: undici reports UND_ERR_SOCKET, which jsforce does not retry. */
  | { kind: 'close' }
  /**
   * Headers (Content-Length of the whole) and half the body, then nothing while the connection stays
   * open: jsforce's promise never settles. close() sends the rest so the client finishes quietly.
   */
  | { kind: 'truncate' }
  /**
   * Headers and half the body, then the connection closes. jsforce 3.10.26 pipes the body without an
   * error listener, so the client process dies of an unhandled 'error' event ("TypeError: terminated").
   */
  | { kind: 'truncateAndClose' }
  /**
   * 403 REQUEST_LIMIT_EXCEEDED for too many concurrent long-running requests, with the daily usage
   * still under its limit (Sforce-Limit-Info unchanged, the call not counted): a short-lived limit.
   */
  | { kind: 'requestLimit' }
  /** Answer normally after this many milliseconds. */
  | { kind: 'delay'; ms: number }
  /** Never answer; the socket stays open until close(). */
  | { kind: 'hang' }

export type Fault = FaultKind & {
  /** How many matching requests it hits; default 1. */
  times?: number
  /** Only requests whose path matches; default every request (token endpoint included). */
  path?: RegExp
}

export interface CallLogEntry {
  method: string
  /** Path with the query string, minus `q` (see `soql`); no tokens ever appear here. */
  path: string
  /** The SOQL of a query, queryAll or Bulk 2.0 query job. */
  soql?: string
  /** OAuth grant type of a token request (no secrets). */
  grantType?: string
  status?: number
  fault?: FaultKind['kind']
}

interface Session {
  valid: boolean
}

interface Cursor {
  records: Record<string, unknown>[]
  version: string
  /** The object queried, for state.repeatQueryPage. */
  objectType: string
}

interface QueryJob {
  info: Record<string, unknown>
  query: CompiledQuery
  rows: SObjectRecord[]
  polls: number
  fail: boolean
}

interface FakeResponse {
  status: number
  headers?: Record<string, string>
  body?: string
}

const JSON_TYPE = 'application/json;charset=UTF-8'
const DAY = 86_400_000
const MIN_VERSION = 31
const MAX_VERSION = 64

/** Everything a test may read or switch while the fake runs. */
export class SalesforceFakeState {
  readonly org: SalesforceOrg
  readonly credentials: SalesforceFakeCredentials
  readonly apiUsage: { used: number; max: number }
  /** Records per query page at most (Salesforce may return fewer than the 2,000 / batchSize asked for). */
  queryPageSize = 2000
  /** Rows per Bulk 2.0 results page when the client gives no maxRecords. */
  bulkPageSize = 10_000
  /** Status checks answered UploadComplete/InProgress before a Bulk 2.0 job reports JobComplete. */
  bulkPollsUntilComplete = 1
  /** Access tokens issued from now on are refused at once (401 INVALID_SESSION_ID): a refresh that never helps. */
  rejectNewSessions = false
  /**
   * Overlapping windows: REST queries and Bulk 2.0 jobs compare SystemModstamp as if every datetime
   * literal were this many milliseconds earlier, so a changes read restarts before the position the
   * client saved and hands out again records it already has.
   */
  modstampOverlapMs = 0
  readonly calls: CallLogEntry[] = []
  readonly faults: Fault[] = []
  readonly sessions = new Map<string, Session>()
  readonly refreshTokens = new Set<string>()
  readonly cursors = new Map<string, Cursor>()
  readonly jobs = new Map<string, QueryJob>()
  readonly userId: string
  readonly orgId: string
  #failNextJobs = 0
  #cursorCount = 0
  #jobCount = 0
  #repeats: { key: string; pagesBefore: number }[] = []
  #replays = 0

  constructor(org: SalesforceOrg, options: SalesforceFakeOptions) {
    this.org = org
    this.credentials = {
      username: 'integration@customer-graph.test',
      // Salesforce wants the password followed by the user's security token.
      password: 'fake-passwordFAKESECURITYTOKEN',
      clientId: 'fake-client-id',
      clientSecret: 'fake-client-secret',
      ...options.credentials,
    }
    this.apiUsage = { used: options.apiUsed ?? 0, max: options.apiLimit ?? 15_000 }
    const firstUser = org.table('User')?.records.keys().next().value
    this.userId = options.userId ?? firstUser ?? (toSalesforceId18('005Zz0000000001') as string)
    this.orgId = toSalesforceId18('00DZz0000000001') as string
  }

  /** Queues a fault; the first queued fault whose path matches takes the next request. */
  inject(fault: Fault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 })
  }

  /** The next `times` calls answer with this 5xx. */
  failNext(times = 1, status: 500 | 502 | 503 | 504 = 503, path?: RegExp): void {
    this.inject({ kind: 'serverError', status, times, ...(path ? { path } : {}) })
  }

  resetNext(times = 1, path?: RegExp): void {
    this.inject({ kind: 'reset', times, ...(path ? { path } : {}) })
  }

  closeNext(times = 1, path?: RegExp): void {
    this.inject({ kind: 'close', times, ...(path ? { path } : {}) })
  }

  truncateAndCloseNext(times = 1, path?: RegExp): void {
    this.inject({ kind: 'truncateAndClose', times, ...(path ? { path } : {}) })
  }

  truncateNext(times = 1, path?: RegExp): void {
    this.inject({ kind: 'truncate', times, ...(path ? { path } : {}) })
  }

  /** The next `times` calls answer 403 REQUEST_LIMIT_EXCEEDED (concurrent requests) while daily usage is fine. */
  requestLimitNext(times = 1, path?: RegExp): void {
    this.inject({ kind: 'requestLimit', times, ...(path ? { path } : {}) })
  }

  delayNext(ms: number, times = 1, path?: RegExp): void {
    this.inject({ kind: 'delay', ms, times, ...(path ? { path } : {}) })
  }

  hangNext(times = 1, path?: RegExp): void {
    this.inject({ kind: 'hang', times, ...(path ? { path } : {}) })
  }

  /** After `calls` more API calls, every call gets 403 REQUEST_LIMIT_EXCEEDED (sets the ceiling). */
  exceedRequestLimitAfter(calls: number): void {
    this.apiUsage.max = this.apiUsage.used + calls
  }

  /** Every access token issued so far answers 401 INVALID_SESSION_ID; refresh tokens stay valid. */
  expireSessions(): void {
    for (const session of this.sessions.values()) session.valid = false
  }

  /**
   * Duplicate delivery, once: the `page`-th REST query page of `objectType` served from now on (1 =
   * the next; queryMore pages count) is followed by that same page again — its nextRecordsUrl names a
   * new query locator at the page's own offset, as a query cursor re-created after a failover would.
   */
  repeatQueryPage(objectType: string, page = 1): void {
    this.#repeats.push({ key: `query:${objectType.toLowerCase()}`, pagesBefore: page - 1 })
  }

  /** The same for Bulk 2.0 results of `objectType`: the Sforce-Locator after the page leads to it again, spelt anew. */
  repeatBulkPage(objectType: string, page = 1): void {
    this.#repeats.push({ key: `bulk:${objectType.toLowerCase()}`, pagesBefore: page - 1 })
  }

  /** repeatQueryPage and repeatBulkPage switches not yet spent. */
  get pendingRepeats(): number {
    return this.#repeats.length
  }

  /** @internal called once per page served; the replay's ordinal when this page is to come again. */
  takeRepeat(key: string): number | undefined {
    const pending = this.#repeats.find((candidate) => candidate.key === key.toLowerCase())
    if (!pending) return undefined
    if (pending.pagesBefore > 0) {
      pending.pagesBefore -= 1
      return undefined
    }
    this.#repeats = this.#repeats.filter((candidate) => candidate !== pending)
    this.#replays += 1
    return this.#replays
  }

  /** The next `times` Bulk 2.0 query jobs end in state Failed. */
  failNextBulkJobs(times = 1): void {
    this.#failNextJobs += times
  }

  issueAccessToken(): string {
    const token = `${this.orgId.slice(0, 15)}!AQ${randomBytes(24).toString('base64url')}`
    this.sessions.set(token, { valid: !this.rejectNewSessions })
    return token
  }

  issueRefreshToken(): string {
    const token = `5Aep${randomBytes(30).toString('base64url')}`
    this.refreshTokens.add(token)
    return token
  }

  /** Calls of the fake, optionally only those whose path matches. */
  callsTo(path: RegExp): CallLogEntry[] {
    return this.calls.filter((call) => path.test(call.path))
  }

  takeFault(path: string): FaultKind | undefined {
    const index = this.faults.findIndex((fault) => (fault.times ?? 1) > 0 && (!fault.path || fault.path.test(path)))
    const fault = this.faults[index]
    if (!fault) return undefined
    fault.times = (fault.times ?? 1) - 1
    if (fault.times <= 0) this.faults.splice(index, 1)
    return fault
  }

  nextCursorId(): string {
    this.#cursorCount += 1
    return toSalesforceId18(`01gZz${String(this.#cursorCount).padStart(10, '0')}`) as string
  }

  nextJobId(): string {
    this.#jobCount += 1
    return toSalesforceId18(`750Zz${String(this.#jobCount).padStart(10, '0')}`) as string
  }

  takeJobFailure(): boolean {
    if (this.#failNextJobs <= 0) return false
    this.#failNextJobs -= 1
    return true
  }
}

export interface SalesforceFake {
  /** `http://127.0.0.1:PORT`, path-less as jsforce's Bulk 2.0 URL building needs. */
  instanceUrl: string
  /** Same server; the OAuth token endpoint is `${loginUrl}/services/oauth2/token`. */
  loginUrl: string
  /** A valid token issued at start, for `new Connection({ instanceUrl, accessToken })`. */
  accessToken: string
  /** A valid refresh token issued at start (as a web-server flow would have given). */
  refreshToken: string
  state: SalesforceFakeState
  close(): Promise<void>
}

export async function startSalesforceFake(options: SalesforceFakeOptions): Promise<SalesforceFake> {
  const loaded = options.org ?? (options.exportFolder ? loadOrgFromExport(options.exportFolder, options.now ? { now: options.now } : {}) : undefined)
  if (!loaded) throw new Error('startSalesforceFake: pass exportFolder (a Data Export folder) or org')
  const org: SalesforceOrg = loaded
  const state = new SalesforceFakeState(org, options)
  let baseUrl = ''
  /** Finishers of responses a 'truncate' fault left half-sent. */
  const stalled = new Set<() => void>()
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, sfError(500, 'UNKNOWN_EXCEPTION', `fake: ${error instanceof Error ? error.message : String(error)}`))
    })
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', baseUrl)
    const body = await readBody(request)
    const logged = new URLSearchParams(url.searchParams)
    logged.delete('q')
    // jsforce's identity() puts the access token in the URL (?oauth_token=): never log it.
    logged.delete('oauth_token')
    const entry: CallLogEntry = { method: request.method ?? 'GET', path: url.pathname + (logged.size > 0 ? `?${logged.toString()}` : '') }
    const soql = url.searchParams.get('q')
    if (soql !== null) entry.soql = soql
    state.calls.push(entry)

    const fault = state.takeFault(url.pathname)
    if (fault) entry.fault = fault.kind
    if (fault?.kind === 'reset') {
      request.socket.resetAndDestroy()
      return
    }
    if (fault?.kind === 'close') {
      request.socket.destroy()
      return
    }
    if (fault?.kind === 'hang') return
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms))
    if (fault?.kind === 'requestLimit') {
      const answer = dated(withLimit(sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.')))
      entry.status = answer.status
      send(response, answer)
      return
    }
    if (fault?.kind === 'serverError') {
      const status = fault.status ?? 503
      const answer =
        status === 503
          ? sfError(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable; please try again later.')
          : sfError(status, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)')
      entry.status = answer.status
      send(response, dated(answer))
      return
    }

    const answer = dated(route(request.method ?? 'GET', url, request.headers, body, entry))
    entry.status = answer.status
    if (fault?.kind === 'truncate' || fault?.kind === 'truncateAndClose') {
      const bytes = Buffer.from(answer.body ?? '')
      const half = Math.floor(bytes.length / 2)
      response.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(bytes.length) })
      response.write(bytes.subarray(0, half))
      if (fault.kind === 'truncateAndClose') setTimeout(() => request.socket.destroy(), 20)
      else stalled.add(() => response.end(bytes.subarray(half)))
      return
    }
    send(response, answer)
  }

  function route(method: string, url: URL, headers: IncomingMessage['headers'], body: string, entry: CallLogEntry): FakeResponse {
    const path = url.pathname
    if (path === '/services/oauth2/token' && method === 'POST') return token(new URLSearchParams(body), entry)
    if (path === '/services/data' || path === '/services/data/') return json(200, versions())
    const identity = /^\/id\/(00D\w+)\/(005\w+)$/.exec(path)
    const versioned = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(path)
    if (!identity && !versioned) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist')

    const session = state.sessions.get(bearer(headers.authorization))
    if (!session?.valid) return sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid')
    if (identity) return json(200, identityOf())

    const version = versioned?.[1] ?? ''
    const numeric = Number(version)
    if (numeric < MIN_VERSION || numeric > MAX_VERSION) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist')
    const usage = state.apiUsage
    if (usage.used + 1 > usage.max) return withLimit(sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'))
    usage.used += 1
    return withLimit(api(method, version, (versioned?.[2] ?? '/').replace(/\/$/, '') || '/', url, headers, body, entry))
  }

  /** Salesforce's Date header is its own clock; replication windows (getDeleted) are read in it. */
  function httpDate(): string {
    return org.clock.now().toUTCString()
  }

  function dated(answer: FakeResponse): FakeResponse {
    return { ...answer, headers: { ...answer.headers, Date: httpDate() } }
  }

  function withLimit(answer: FakeResponse): FakeResponse {
    return { ...answer, headers: { ...answer.headers, 'Sforce-Limit-Info': `api-usage=${state.apiUsage.used}/${state.apiUsage.max}` } }
  }

  function api(method: string, version: string, rest: string, url: URL, headers: IncomingMessage['headers'], body: string, entry: CallLogEntry): FakeResponse {
    const base = `/services/data/v${version}`
    const params = url.searchParams
    let match: RegExpExecArray | null
    try {
      if (rest === '/' && method === 'GET') return json(200, resources(base))
      if (rest === '/limits' && method === 'GET') return json(200, limits())
      if ((rest === '/query' || rest === '/queryAll') && method === 'GET') {
        const soql = params.get('q')
        if (!soql) return sfError(400, 'MALFORMED_QUERY', 'A query string has to be specified')
        const batchSize = /batchSize=(\d+)/i.exec(String(headers['sforce-query-options'] ?? ''))?.[1]
        const pageSize = Math.min(state.queryPageSize, batchSize ? Math.min(2000, Math.max(200, Number(batchSize))) : 2000)
        return query(compileSoql(soql, org), rest === '/queryAll', base, version, pageSize)
      }
      if ((match = /^\/(?:query|queryAll)\/(01g\w+)-(\d+)$/.exec(rest)) && method === 'GET') return queryMore(match[1] ?? '', Number(match[2]), base)
      if (rest === '/sobjects' && method === 'GET') return json(200, globalDescribe(base))
      if ((match = /^\/sobjects\/(\w+)\/describe$/.exec(rest)) && method === 'GET') {
        const table = org.table(match[1] ?? '')
        return table ? json(200, describe(table, base)) : notFoundType(match[1] ?? '')
      }
      if ((match = /^\/sobjects\/(\w+)\/(updated|deleted)$/.exec(rest)) && method === 'GET') {
        const table = org.table(match[1] ?? '')
        if (!table) return notFoundType(match[1] ?? '')
        return match[2] === 'updated' ? updated(table, params) : deleted(table, params)
      }
      if ((match = /^\/sobjects\/(\w+)\/(\w{15,18})$/.exec(rest)) && method === 'GET') {
        const table = org.table(match[1] ?? '')
        if (!table) return notFoundType(match[1] ?? '')
        const record = table.records.get(toSalesforceId18(match[2] ?? '') ?? '')
        if (!record || record.IsDeleted === true) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist')
        return json(200, apiRecord(table, table.fields, record, base))
      }
      if (rest.startsWith('/jobs/query')) return bulk(method, rest.slice('/jobs/query'.length), version, params, body, entry)
      return sfError(404, 'NOT_FOUND', 'The requested resource does not exist')
    } catch (error) {
      if (error instanceof SoqlError) return sfError(400, error.errorCode, error.message)
      throw error
    }
  }

  function query(compiled: CompiledQuery, includeDeleted: boolean, base: string, version: string, pageSize: number): FakeResponse {
    const rows = runQuery(withModstampWindowEarlier(compiled, state.modstampOverlapMs), includeDeleted)
    if (compiled.count) return json(200, { totalSize: rows.length, done: true, records: [] })
    // Salesforce materialises a query cursor: later pages show the data as it was at the first call.
    const records = rows.map((record) => apiRecord(compiled.table, compiled.fields, record, base))
    return queryPage({ records, version, objectType: compiled.table.name }, undefined, 0, pageSize, base)
  }

  function queryMore(locator: string, offset: number, base: string): FakeResponse {
    const cursor = state.cursors.get(locator)
    if (!cursor || offset >= cursor.records.length) return sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator')
    return queryPage(cursor, locator, offset, Math.min(state.queryPageSize, 2000), base)
  }

  /** The page of a materialised query at `offset`, with the nextRecordsUrl of what follows it (under `locator`, or a new one). */
  function queryPage(cursor: Cursor, locator: string | undefined, offset: number, pageSize: number, base: string): FakeResponse {
    const page = cursor.records.slice(offset, offset + pageSize)
    const end = offset + page.length
    const totalSize = cursor.records.length
    if (page.length > 0 && state.takeRepeat(`query:${cursor.objectType}`) !== undefined) {
      const again = state.nextCursorId()
      state.cursors.set(again, cursor)
      return json(200, { totalSize, done: false, nextRecordsUrl: `${base}/query/${again}-${offset}`, records: page })
    }
    if (end >= totalSize) {
      if (locator !== undefined) state.cursors.delete(locator)
      return json(200, { totalSize, done: true, records: page })
    }
    const next = locator ?? state.nextCursorId()
    state.cursors.set(next, cursor)
    return json(200, { totalSize, done: false, nextRecordsUrl: `${base}/query/${next}-${end}`, records: page })
  }

  /** getUpdated/getDeleted take whole minutes: seconds are ignored, as the SOAP docs say of these calls. */
  function replicationWindow(params: URLSearchParams, maxDaysBack: number, earliest?: Date): { start: number; end: number } | FakeResponse {
    const startText = params.get('start')
    const endText = params.get('end')
    if (!startText || !endText) return sfError(400, 'MISSING_ARGUMENT', 'start and end are required (ISO 8601 UTC, e.g. 2024-01-31T10:00:00+00:00)')
    const start = floorMinute(Date.parse(startText))
    const end = floorMinute(Math.min(Date.parse(endText), org.clock.now().getTime()))
    if (!Number.isFinite(start) || !Number.isFinite(end)) return sfError(400, 'INVALID_REPLICATION_DATE', `unparsable start or end: ${startText}, ${endText}`)
    if (start >= end) return sfError(400, 'INVALID_REPLICATION_DATE', 'startDate must chronologically precede endDate by more than one minute')
    const floor = floorMinute(Math.max(org.clock.now().getTime() - maxDaysBack * DAY, earliest?.getTime() ?? 0))
    if (start < floor) return sfError(400, 'INVALID_REPLICATION_DATE', `startDate is before the earliest date available ${sfDateTime(new Date(floor).toISOString())} (at most ${maxDaysBack} days back)`)
    return { start, end }
  }

  function updated(table: SObjectTable, params: URLSearchParams): FakeResponse {
    const window = replicationWindow(params, 30)
    if ('status' in window) return window
    const ids = [...table.records.values()]
      .filter((record) => record.IsDeleted !== true && inWindow(record.SystemModstamp ?? null, window))
      .map((record) => String(record.Id))
    return json(200, { ids, latestDateCovered: sfDateTime(new Date(window.end).toISOString()) })
  }

  function deleted(table: SObjectTable, params: URLSearchParams): FakeResponse {
    const window = replicationWindow(params, 15, org.deleteLogPurgedUntil)
    if ('status' in window) return window
    const earliest = floorMinute(Math.max(org.clock.now().getTime() - 15 * DAY, org.deleteLogPurgedUntil?.getTime() ?? 0))
    const deletedRecords = org.deleteLog
      .filter((entry) => entry.objectType === table.name && inWindow(entry.deletedDate, window))
      .map((entry) => ({ id: entry.id, deletedDate: sfDateTime(entry.deletedDate) }))
    return json(200, {
      deletedRecords,
      earliestDateAvailable: sfDateTime(new Date(earliest).toISOString()),
      latestDateCovered: sfDateTime(new Date(window.end).toISOString()),
    })
  }

  function bulk(method: string, rest: string, version: string, params: URLSearchParams, body: string, entry: CallLogEntry): FakeResponse {
    let match: RegExpExecArray | null
    if (rest === '' && method === 'POST') {
      let request: { operation?: unknown; query?: unknown; columnDelimiter?: unknown; lineEnding?: unknown }
      try {
        request = JSON.parse(body) as typeof request
      } catch {
        return sfError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON')
      }
      if (request.operation !== 'query' && request.operation !== 'queryAll') return sfError(400, 'API_ERROR', `Invalid operation: ${String(request.operation)}; query or queryAll`)
      if (typeof request.query !== 'string') return sfError(400, 'API_ERROR', 'query is required')
      entry.soql = request.query
      const delimiter = request.columnDelimiter ?? 'COMMA'
      const lineEnding = request.lineEnding ?? 'LF'
      if (typeof delimiter !== 'string' || !(delimiter in delimiters)) return sfError(400, 'API_ERROR', `Invalid columnDelimiter: ${JSON.stringify(delimiter)}`)
      if (lineEnding !== 'LF' && lineEnding !== 'CRLF') return sfError(400, 'API_ERROR', `Invalid lineEnding: ${JSON.stringify(lineEnding)}`)
      const compiled = compileSoql(request.query, org)
      if (compiled.count) return sfError(400, 'API_ERROR', 'Aggregate queries are not supported by Bulk API 2.0 query')
      const id = state.nextJobId()
      const now = sfDateTime(org.clock.now().toISOString())
      const job: QueryJob = {
        info: {
          id,
          operation: request.operation,
          object: compiled.table.name,
          createdById: state.userId,
          createdDate: now,
          systemModstamp: now,
          state: 'UploadComplete',
          concurrencyMode: 'Parallel',
          contentType: 'CSV',
          apiVersion: Number(version),
          lineEnding,
          columnDelimiter: delimiter,
        },
        query: compiled,
        rows: runQuery(withModstampWindowEarlier(compiled, state.modstampOverlapMs), request.operation === 'queryAll'),
        polls: 0,
        fail: state.takeJobFailure(),
      }
      state.jobs.set(id, job)
      return json(200, job.info)
    }
    if (rest === '' && method === 'GET') {
      return json(200, { done: true, records: [...state.jobs.values()].map((job) => job.info), nextRecordsUrl: null })
    }
    if ((match = /^\/(750\w+)(\/results)?$/.exec(rest))) {
      const job = state.jobs.get(match[1] ?? '')
      if (!job) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist')
      if (match[2]) return method === 'GET' ? bulkResults(job, version, params) : sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET`)
      if (method === 'GET') {
        job.polls += 1
        const info = job.info
        if (info.state === 'UploadComplete' || info.state === 'InProgress') {
          if (job.polls <= state.bulkPollsUntilComplete) info.state = 'InProgress'
          else if (job.fail) {
            info.state = 'Failed'
            info.errorMessage = 'Fake failure switched on by the test (state.failNextBulkJobs)'
          } else info.state = 'JobComplete'
        }
        return json(200, {
          ...info,
          jobType: 'V2Query',
          numberRecordsProcessed: info.state === 'JobComplete' ? job.rows.length : 0,
          retries: 0,
          totalProcessingTime: info.state === 'JobComplete' ? 250 : 0,
          isPkChunkingSupported: true,
        })
      }
      if (method === 'PATCH') {
        job.info.state = 'Aborted'
        return json(200, job.info)
      }
      if (method === 'DELETE') {
        state.jobs.delete(match[1] ?? '')
        return { status: 204 }
      }
    }
    return sfError(404, 'NOT_FOUND', 'The requested resource does not exist')
  }

  function bulkResults(job: QueryJob, version: string, params: URLSearchParams): FakeResponse {
    if (Number(version) !== job.info.apiVersion) {
      return sfError(409, 'API_ERROR', `Results must be requested with the job's API version ${String(job.info.apiVersion)}`)
    }
    if (job.info.state !== 'JobComplete') return sfError(400, 'INVALIDJOB', `Job ${String(job.info.id)} is not complete (state ${String(job.info.state)})`)
    const locator = params.get('locator')
    const offset = locator ? Number(Buffer.from(locator, 'base64url').toString('utf8')) : 0
    if (!Number.isInteger(offset) || offset < 0 || offset > job.rows.length) return sfError(400, 'INVALID_LOCATOR', `Invalid locator: ${locator}`)
    const maxRecords = params.has('maxRecords') ? Number(params.get('maxRecords')) : state.bulkPageSize
    if (!Number.isInteger(maxRecords) || maxRecords < 1) return sfError(400, 'API_ERROR', `Invalid maxRecords: ${params.get('maxRecords')}`)
    const page = job.rows.slice(offset, offset + maxRecords)
    const replay = page.length > 0 ? state.takeRepeat(`bulk:${job.query.table.name}`) : undefined
    // A replayed page's locator is its own offset with leading zeros: the same place, a new spelling.
    const next = replay === undefined ? offset + page.length : offset
    const delimiter = delimiters[String(job.info.columnDelimiter)] ?? ','
    const newline = job.info.lineEnding === 'CRLF' ? '\r\n' : '\n'
    const fields = job.query.fields
    const lines = [fields.map((field) => csvCell(field.name)), ...page.map((record) => fields.map((field) => csvCell(csvText(record[field.name] ?? null))))]
    return {
      status: 200,
      headers: {
        'Content-Type': 'text/csv',
        'Sforce-NumberOfRecords': String(page.length),
        // Base64 of the next offset, like the opaque locators Salesforce hands out (MTAwMDA = "10000").
        'Sforce-Locator': next < job.rows.length || replay !== undefined ? Buffer.from(`${'0'.repeat(replay ?? 0)}${next}`).toString('base64url') : 'null',
      },
      body: lines.map((cells) => cells.join(delimiter) + newline).join(''),
    }
  }

  function token(form: URLSearchParams, entry: CallLogEntry): FakeResponse {
    const grant = form.get('grant_type') ?? ''
    entry.grantType = grant
    const { credentials } = state
    const oauthError = (error: string, description: string): FakeResponse => ({
      status: 400,
      headers: { 'Content-Type': JSON_TYPE },
      body: JSON.stringify({ error, error_description: description }),
    })
    if (form.get('client_id') !== credentials.clientId) return oauthError('invalid_client_id', 'client identifier invalid')
    if (grant === 'password' || grant === 'client_credentials') {
      if (form.get('client_secret') !== credentials.clientSecret) return oauthError('invalid_client', 'invalid client credentials')
      if (grant === 'password' && (form.get('username') !== credentials.username || form.get('password') !== credentials.password)) {
        return oauthError('invalid_grant', 'authentication failure')
      }
    } else if (grant === 'refresh_token') {
      if (form.has('client_secret') && form.get('client_secret') !== credentials.clientSecret) return oauthError('invalid_client', 'invalid client credentials')
      if (!state.refreshTokens.has(form.get('refresh_token') ?? '')) return oauthError('invalid_grant', 'expired access/refresh token')
    } else {
      return oauthError('unsupported_grant_type', 'grant type not supported')
    }
    const id = `${baseUrl}/id/${state.orgId}/${state.userId}`
    const issuedAt = String(org.clock.now().getTime())
    return json(200, {
      access_token: state.issueAccessToken(),
      instance_url: baseUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
      signature: createHmac('sha256', credentials.clientSecret).update(id + issuedAt).digest('base64'),
    })
  }

  function identityOf(): Record<string, unknown> {
    const user = org.table('User')?.records.get(state.userId)
    return {
      id: `${baseUrl}/id/${state.orgId}/${state.userId}`,
      asserted_user: true,
      user_id: state.userId,
      organization_id: state.orgId,
      username: user?.Username ?? state.credentials.username,
      display_name: user?.Name ?? 'Integration User',
      email: user?.Email ?? state.credentials.username,
      active: true,
      user_type: 'STANDARD',
      urls: { rest: `${baseUrl}/services/data/v{version}/`, query: `${baseUrl}/services/data/v{version}/query/`, sobjects: `${baseUrl}/services/data/v{version}/sobjects/` },
    }
  }

  function limits(): Record<string, unknown> {
    const { used, max } = state.apiUsage
    return {
      DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
      DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 },
      DailyBulkV2QueryFileStorageMB: { Max: 976_562, Remaining: 976_562 },
      DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 - state.jobs.size },
    }
  }

  function resources(base: string): Record<string, string> {
    return { identity: `${baseUrl}/id/${state.orgId}/${state.userId}`, limits: `${base}/limits`, query: `${base}/query`, queryAll: `${base}/queryAll`, sobjects: `${base}/sobjects`, jobs: `${base}/jobs` }
  }

  function globalDescribe(base: string): Record<string, unknown> {
    return {
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: [...org.tables.values()].map((table) => ({ ...objectInfo(table), urls: objectUrls(table, base) })),
    }
  }

  function describe(table: SObjectTable, base: string): Record<string, unknown> {
    return {
      ...objectInfo(table),
      urls: objectUrls(table, base),
      childRelationships: [],
      recordTypeInfos: [],
      fields: table.fields.map((field) => ({
        name: field.name,
        label: field.name,
        type: field.type,
        soapType: soapTypes[field.type],
        length: field.type === 'string' ? 255 : field.type === 'textarea' ? 32_000 : field.type === 'id' || field.type === 'reference' ? 18 : 0,
        nillable: field.name !== 'Id' && field.type !== 'boolean',
        filterable: field.type !== 'textarea',
        sortable: field.type !== 'textarea',
        createable: false,
        updateable: false,
        custom: field.name.endsWith('__c'),
        referenceTo: field.type === 'reference' ? [] : [],
      })),
    }
  }

  function objectInfo(table: SObjectTable): Record<string, unknown> {
    const deletable = org.field(table, 'IsDeleted') !== undefined
    return {
      name: table.name,
      label: table.name,
      labelPlural: `${table.name}s`,
      keyPrefix: table.keyPrefix,
      custom: table.name.endsWith('__c'),
      queryable: true,
      retrieveable: true,
      replicateable: true,
      searchable: true,
      createable: false,
      updateable: false,
      deletable,
      undeletable: deletable,
    }
  }

  function objectUrls(table: SObjectTable, base: string): Record<string, string> {
    return {
      sobject: `${base}/sobjects/${table.name}`,
      describe: `${base}/sobjects/${table.name}/describe`,
      rowTemplate: `${base}/sobjects/${table.name}/{ID}`,
    }
  }

  function notFoundType(name: string): FakeResponse {
    return sfError(404, 'NOT_FOUND', `The requested resource does not exist (no sObject type ${name})`)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    instanceUrl: baseUrl,
    loginUrl: baseUrl,
    accessToken: state.issueAccessToken(),
    refreshToken: state.issueRefreshToken(),
    state,
    // Half-sent bodies are completed first (a client killed by a cut-off body would take the test
    // runner with it); requests the fake never answered then fail with "fetch failed".
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const finish of stalled) finish()
        stalled.clear()
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeIdleConnections()
        setTimeout(() => server.closeAllConnections(), 50).unref()
      }),
  }
}

const delimiters: Readonly<Record<string, string>> = { COMMA: ',', TAB: '\t', SEMICOLON: ';', PIPE: '|', CARET: '^', BACKQUOTE: '`' }

const soapTypes: Readonly<Record<FieldDescription['type'], string>> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  string: 'xsd:string',
  textarea: 'xsd:string',
  datetime: 'xsd:dateTime',
  date: 'xsd:date',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
}

/** A record as the REST API returns it: attributes first, then the selected fields in SELECT order. */
function apiRecord(table: SObjectTable, fields: readonly FieldDescription[], record: SObjectRecord, base: string): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: table.name, url: `${base}/sobjects/${table.name}/${String(record.Id)}` } }
  for (const field of fields) {
    const value = record[field.name] ?? null
    out[field.name] = field.type === 'datetime' && typeof value === 'string' ? sfDateTime(value) : value
  }
  return out
}

/** The REST API writes datetimes as `2024-09-15T10:04:25.000+0000` (not `Z`). */
function sfDateTime(iso: string): string {
  return iso.replace(/Z$/, '+0000')
}

/** Bulk 2.0 CSV writes datetimes with `Z`, booleans as true/false, null as an empty quoted cell. */
function csvText(value: FieldValue): string {
  return value === null ? '' : String(value)
}

function csvCell(text: string): string {
  return `"${text.replaceAll('"', '""')}"`
}

function floorMinute(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000
}

function inWindow(iso: FieldValue, window: { start: number; end: number }): boolean {
  if (typeof iso !== 'string') return false
  const ms = Date.parse(iso)
  return ms >= window.start && ms < window.end
}

function bearer(header: string | undefined): string {
  const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header ?? '')
  return match?.[1] ?? ''
}

function json(status: number, body: unknown): FakeResponse {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify(body) }
}

function sfError(status: number, errorCode: string, message: string): FakeResponse {
  return json(status, [{ message, errorCode }])
}

/** Versions list of `GET /services/data/`: 62.0 is Winter '25, three releases a year. */
function versions(): { label: string; url: string; version: string }[] {
  const list = []
  for (let major = MIN_VERSION; major <= MAX_VERSION; major++) {
    const step = major - 62
    const season = ['Winter', 'Spring', 'Summer'][((step % 3) + 3) % 3] ?? 'Winter'
    const year = 25 + Math.floor(step / 3)
    list.push({ label: `${season} '${String(year).padStart(2, '0')}`, url: `/services/data/v${major}.0`, version: `${major}.0` })
  }
  return list
}

function send(response: ServerResponse, answer: FakeResponse): void {
  const body = answer.body === undefined ? undefined : Buffer.from(answer.body)
  response.writeHead(answer.status, { ...answer.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) })
  response.end(body)
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
