import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  employeeIdOf,
  fakeWid,
  isActive,
  managerIdOf,
  reportColumns,
  type FakeWorker,
  type ReportEntry,
  type WorkdayTenantData,
} from './tenant.ts'

/**
 * A fake Workday tenant: RaaS custom report (JSON, CSV, XML), REST `workers` with limit/offset, HTTP
 * Basic and OAuth (refresh-token grant) auth, over plain node:http so faults can cut sockets. Shapes
 * follow shared/docs/source-formats.md §3 and the faros-ai workday-source test files; what is
 * modelled and what is not is in README.md.
 */

/** Which endpoint family a fault or a call belongs to. */
export type WorkdayApi = 'raas' | 'rest' | 'token' | 'other'

export type WorkdayFault =
  /** HTTP 429; `Retry-After: <retryAfter>` only when given. */
  | { type: 'rate_limited'; retryAfter?: number }
  /** Any non-2xx status with an HTML body (a report run that timed out shows as 500/504). */
  | { type: 'http_error'; status: number; body?: string }
  /** Never answers; ended only by the client (timeout/abort) or close(). */
  | { type: 'hang' }
  /** Answers normally after `delayMs`. */
  | { type: 'slow'; delayMs: number }
  /** TCP reset before any response byte. */
  | { type: 'reset' }
  /** The real response's status and headers with its full Content-Length, half the body, then the socket is destroyed. */
  | { type: 'truncated' }
  /** The real response's status and headers, half the body, then nothing more on an open socket (a report that stalls midway). */
  | { type: 'stall' }
  /** 401 as for an expired bearer token, whatever the credentials. */
  | { type: 'expired_token' }

export interface CallRecord {
  api: WorkdayApi
  httpMethod: string
  /** URL path without the query. */
  path: string
  /** Query parameters, plus the token request's form fields without any credential. */
  params: Record<string, string>
  /** The scheme of the Authorization header; never the credential itself. */
  auth: 'basic' | 'bearer' | 'none' | 'other'
  /** 'ok', 'http:<status>' or 'fault:<type>'. */
  outcome: string
}

export interface WorkdayFakeOptions {
  data: WorkdayTenantData
  /** Tenant name in every path (default 'customer_graph_fake'). */
  tenant?: string
  /** RaaS report owner and name: `/ccx/service/customreport2/{tenant}/{owner}/{name}` (default ISU_CustomerGraph / CG_Workers). */
  reportOwner?: string
  reportName?: string
  /** The report's prompt that selects workers changed since a moment (default 'Updated_Since'). */
  updatedSincePrompt?: string
  /** Integration System User for HTTP Basic. */
  basic?: { username: string; password: string }
  /** API client registered for the refresh-token grant. */
  oauth?: { clientId: string; clientSecret: string; refreshToken: string }
  /** Access token lifetime (default one hour), measured with `clock`. */
  tokenTtlMs?: number
  /** REST `/ccx/api/{service}/{version}` pairs served (default common/v1 and staffing/v6); legacy `/ccx/api/v4` is always served. */
  restServices?: string[]
  /**
   * Adds the Employee_ID to REST workers under this key (e.g. 'workerId'). Off by default: the
   * documented workerSummary has no employee id, only the WID `id` (see README).
   */
  restEmployeeIdKey?: string
  /** REST lists terminated workers too (default false: only active workers, as the staffing /workers resource documents). */
  restIncludeTerminated?: boolean
  /**
   * The RaaS JSON answer carries each worker's WID under this key, right after Employee_ID (a report
   * with a WID column, e.g. 'Worker_WID'). Off by default: the generated report has none. JSON only.
   */
  reportWidColumn?: string
  /** Milliseconds since the epoch; default Date.now. Drives token expiry. */
  clock?: () => number
}

export const defaultBasic = { username: 'ISU_CustomerGraph', password: 'fake-isu-password' }
export const defaultOAuth = { clientId: 'fake-client-id', clientSecret: 'fake-client-secret', refreshToken: 'fake-refresh-token' }

interface PendingFault {
  target: WorkdayApi | '*'
  fault: WorkdayFault
  remaining: number
}

export class WorkdayFakeState {
  readonly data: WorkdayTenantData
  readonly tenant: string
  readonly reportOwner: string
  readonly reportName: string
  readonly updatedSincePrompt: string
  basic: { username: string; password: string }
  oauth: { clientId: string; clientSecret: string; refreshToken: string }
  tokenTtlMs: number
  readonly restServices: Set<string>
  restEmployeeIdKey: string | undefined
  restIncludeTerminated: boolean
  reportWidColumn: string | undefined
  readonly clock: () => number
  readonly calls: CallRecord[] = []
  /** Set when the server listens: `http://127.0.0.1:<port>`. */
  baseUrl = ''
  private faults: PendingFault[] = []
  /** Issued access tokens and when they expire. */
  private readonly tokens = new Map<string, number>()

  constructor(options: WorkdayFakeOptions) {
    this.data = options.data
    this.tenant = options.tenant ?? 'customer_graph_fake'
    this.reportOwner = options.reportOwner ?? 'ISU_CustomerGraph'
    this.reportName = options.reportName ?? 'CG_Workers'
    this.updatedSincePrompt = options.updatedSincePrompt ?? 'Updated_Since'
    this.basic = options.basic ?? defaultBasic
    this.oauth = options.oauth ?? defaultOAuth
    this.tokenTtlMs = options.tokenTtlMs ?? 3_600_000
    this.restServices = new Set(options.restServices ?? ['common/v1', 'staffing/v6'])
    this.restEmployeeIdKey = options.restEmployeeIdKey
    this.restIncludeTerminated = options.restIncludeTerminated ?? false
    this.reportWidColumn = options.reportWidColumn
    this.clock = options.clock ?? Date.now
  }

  /** The next `times` calls to `target` ('*' = any) meet `fault`; faults queue in order. */
  inject(target: WorkdayApi | '*', fault: WorkdayFault, times = 1): void {
    this.faults.push({ target, fault, remaining: times })
  }

  /** Every call to `target` answers 429 until clearFaults(). */
  storm(target: WorkdayApi | '*', retryAfter?: number): void {
    this.inject(target, retryAfter === undefined ? { type: 'rate_limited' } : { type: 'rate_limited', retryAfter }, Number.POSITIVE_INFINITY)
  }

  clearFaults(): void {
    this.faults = []
  }

  callsOf(api: WorkdayApi): CallRecord[] {
    return this.calls.filter((call) => call.api === api)
  }

  /** Every access token issued so far expires now (a refresh gives a new one). */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, this.clock())
  }

  /** @internal */
  takeFault(api: WorkdayApi): WorkdayFault | undefined {
    const pending = this.faults.find((candidate) => candidate.remaining > 0 && (candidate.target === '*' || candidate.target === api))
    if (!pending) return undefined
    pending.remaining -= 1
    this.faults = this.faults.filter((candidate) => candidate.remaining > 0)
    return pending.fault
  }

  /** @internal */
  issueToken(): string {
    const token = randomBytes(24).toString('base64url')
    this.tokens.set(token, this.clock() + this.tokenTtlMs)
    return token
  }

  /** @internal */
  tokenStatus(token: string): 'valid' | 'expired' | 'unknown' {
    const expiresAt = this.tokens.get(token)
    if (expiresAt === undefined) return 'unknown'
    return this.clock() < expiresAt ? 'valid' : 'expired'
  }
}

export interface WorkdayFake {
  /** `http://127.0.0.1:<port>`: the `https://{host}` of a real tenant; paths start with /ccx/. */
  baseUrl: string
  tenant: string
  state: WorkdayFakeState
  close(): Promise<void>
}

export async function startWorkdayFake(options: WorkdayFakeOptions): Promise<WorkdayFake> {
  const state = new WorkdayFakeState(options)
  const server = createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, { status: 500, type: 'text/plain; charset=utf-8', body: `fake failure: ${String(error)}` })
      else response.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  state.baseUrl = `http://127.0.0.1:${port}`
  return {
    baseUrl: state.baseUrl,
    tenant: state.tenant,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // Keep-alive sockets of fetch and hanging requests would hold close() open.
        server.closeAllConnections()
      }),
  }
}

// --- HTTP ------------------------------------------------------------------------------------------

interface Reply {
  status: number
  type: string
  body: string
  headers?: Record<string, string>
}

/** Form fields of the token request that are credentials: never logged. */
const secretParams = new Set(['refresh_token', 'client_secret', 'client_id', 'password', 'username', 'access_token', 'token'])

async function handle(state: WorkdayFakeState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1')
  const rawBody = await readBody(request)
  const route = routeOf(url.pathname)
  const params: Record<string, string> = Object.fromEntries(url.searchParams)
  const form = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(rawBody) : new URLSearchParams()
  if (route.api === 'token') for (const [key, value] of form) if (!secretParams.has(key)) params[key] = value
  const call: CallRecord = { api: route.api, httpMethod: request.method ?? '', path: url.pathname, params, auth: authScheme(request.headers.authorization), outcome: '' }
  state.calls.push(call)

  const fault = route.api === 'other' ? undefined : state.takeFault(route.api)
  if (fault && fault.type !== 'truncated' && fault.type !== 'stall' && fault.type !== 'slow') {
    call.outcome = `fault:${fault.type}`
    applyFault(fault, request, response)
    return
  }

  const reply = answer(state, route, request, url, form)
  call.outcome = reply.status < 300 ? 'ok' : `http:${reply.status}`
  if (fault?.type === 'truncated') {
    call.outcome = 'fault:truncated'
    const bytes = Buffer.from(reply.body)
    response.writeHead(reply.status, { ...reply.headers, 'Content-Type': reply.type, 'Content-Length': String(bytes.length) })
    response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.socket?.destroy())
    return
  }
  if (fault?.type === 'stall') {
    call.outcome = 'fault:stall'
    const bytes = Buffer.from(reply.body)
    response.writeHead(reply.status, { ...reply.headers, 'Content-Type': reply.type, 'Content-Length': String(bytes.length) })
    // The rest never comes; the client's timeout (or close()) ends the socket.
    response.write(bytes.subarray(0, Math.floor(bytes.length / 2)))
    return
  }
  if (fault?.type === 'slow') {
    call.outcome = `fault:slow(${call.outcome})`
    setTimeout(() => {
      if (!response.destroyed) send(response, reply)
    }, fault.delayMs).unref()
    return
  }
  send(response, reply)
}

type Route =
  | { api: 'token'; tenant: string }
  | { api: 'raas'; tenant: string; owner: string; report: string }
  | { api: 'rest'; service: string; tenant: string; id: string | undefined }
  | { api: 'other' }

function routeOf(pathname: string): Route {
  const parts = pathname.split('/').slice(1).map((part) => decodeURIComponent(part))
  if (parts[0] !== 'ccx') return { api: 'other' }
  const [, area, ...rest] = parts
  if (area === 'oauth2' && rest.length === 2 && rest[1] === 'token') return { api: 'token', tenant: rest[0] ?? '' }
  if (area === 'service' && rest[0] === 'customreport2' && rest.length === 4) {
    return { api: 'raas', tenant: rest[1] ?? '', owner: rest[2] ?? '', report: rest[3] ?? '' }
  }
  if (area === 'api') {
    // /ccx/api/{service}/{version}/{tenant}/workers[/{id}] or the older /ccx/api/v4/{tenant}/workers[/{id}]
    const legacy = /^v\d+$/.test(rest[0] ?? '')
    const [service, tenant, resource, id, extra] = legacy ? ['v4', rest[1], rest[2], rest[3], rest[4]] : [`${rest[0]}/${rest[1]}`, rest[2], rest[3], rest[4], rest[5]]
    if (legacy && rest[0] !== 'v4') return { api: 'other' }
    if (resource === 'workers' && extra === undefined && tenant !== undefined) return { api: 'rest', service, tenant, id: id === '' ? undefined : id }
  }
  return { api: 'other' }
}

function answer(state: WorkdayFakeState, route: Route, request: IncomingMessage, url: URL, form: URLSearchParams): Reply {
  switch (route.api) {
    case 'other':
      return jsonReply(404, { error: 'Resource not found' })
    case 'token':
      if (route.tenant !== state.tenant) return jsonReply(404, { error: 'Resource not found' })
      if (request.method !== 'POST') return jsonReply(405, { error: 'Method not allowed' })
      return tokenReply(state, request, form)
    case 'raas': {
      if (request.method !== 'GET') return jsonReply(405, { error: 'Method not allowed' })
      const denied = authenticate(state, request.headers.authorization)
      if (denied) return denied
      if (route.tenant !== state.tenant || route.owner !== state.reportOwner || route.report !== state.reportName) {
        return textReply(404, `No report ${route.owner}/${route.report} in tenant ${route.tenant}, or it is not enabled as a web service.`)
      }
      return reportReply(state, url)
    }
    case 'rest': {
      if (request.method !== 'GET') return jsonReply(405, { error: 'Method not allowed' })
      const denied = authenticate(state, request.headers.authorization)
      if (denied) return denied
      if (route.tenant !== state.tenant || (route.service !== 'v4' && !state.restServices.has(route.service))) return jsonReply(404, { error: 'Resource not found' })
      return workersReply(state, route.service, route.id, url)
    }
  }
}

function send(response: ServerResponse, reply: Reply): void {
  const bytes = Buffer.from(reply.body)
  response.writeHead(reply.status, { ...reply.headers, 'Content-Type': reply.type, 'Content-Length': String(bytes.length) })
  response.end(bytes)
}

function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, type: 'application/json;charset=UTF-8', body: JSON.stringify(body), headers }
}

function textReply(status: number, body: string): Reply {
  return { status, type: 'text/plain;charset=UTF-8', body }
}

/** REST validation errors: `{error, errors:[{error, field}]}`. */
function validationError(field: string, message: string): Reply {
  return jsonReply(400, { error: 'invalid request: a parameter is not valid', errors: [{ error: message, field }] })
}

function applyFault(fault: Exclude<WorkdayFault, { type: 'truncated' } | { type: 'stall' } | { type: 'slow' }>, request: IncomingMessage, response: ServerResponse): void {
  switch (fault.type) {
    case 'rate_limited':
      send(response, jsonReply(429, { error: 'Too many requests' }, fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) }))
      return
    case 'http_error':
      send(response, { status: fault.status, type: 'text/html;charset=UTF-8', body: fault.body ?? `<html><body><h1>${fault.status}</h1></body></html>` })
      return
    case 'hang':
      return
    case 'reset':
      request.socket.resetAndDestroy()
      return
    case 'expired_token':
      send(response, unauthorized('Bearer error="invalid_token", error_description="The access token expired"', 'expired access token'))
      return
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

// --- Auth ------------------------------------------------------------------------------------------

function authScheme(header: string | undefined): CallRecord['auth'] {
  if (header === undefined) return 'none'
  if (/^Basic\s/i.test(header)) return 'basic'
  if (/^Bearer\s/i.test(header)) return 'bearer'
  return 'other'
}

function unauthorized(challenge: string, error: string): Reply {
  return jsonReply(401, { error }, { 'WWW-Authenticate': challenge })
}

function decodeBasic(header: string): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)
  if (!match?.[1]) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** undefined when the request may proceed, else the 401 reply. */
function authenticate(state: WorkdayFakeState, header: string | undefined): Reply | undefined {
  const realm = 'Basic realm="Workday"'
  if (header === undefined) return unauthorized(realm, 'authentication required')
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
  if (bearer !== undefined) {
    const status = state.tokenStatus(bearer)
    if (status === 'valid') return undefined
    return status === 'expired'
      ? unauthorized('Bearer error="invalid_token", error_description="The access token expired"', 'expired access token')
      : unauthorized('Bearer error="invalid_token"', 'invalid access token')
  }
  const basic = decodeBasic(header)
  if (basic && basic.username === state.basic.username && basic.password === state.basic.password) return undefined
  return unauthorized(realm, 'invalid username or password')
}

/** RFC 6749 refresh-token grant; client credentials in the form or as HTTP Basic. */
function tokenReply(state: WorkdayFakeState, request: IncomingMessage, form: URLSearchParams): Reply {
  const basic = request.headers.authorization === undefined ? undefined : decodeBasic(request.headers.authorization)
  const clientId = basic?.username ?? form.get('client_id')
  const clientSecret = basic?.password ?? form.get('client_secret')
  if (clientId !== state.oauth.clientId || clientSecret !== state.oauth.clientSecret) {
    return jsonReply(401, { error: 'invalid_client', error_description: 'client authentication failed' })
  }
  if (form.get('grant_type') !== 'refresh_token') {
    return jsonReply(400, { error: 'unsupported_grant_type', error_description: 'only grant_type=refresh_token is supported' })
  }
  if (form.get('refresh_token') !== state.oauth.refreshToken) {
    return jsonReply(400, { error: 'invalid_grant', error_description: 'the refresh token is invalid or revoked' })
  }
  return jsonReply(200, { access_token: state.issueToken(), token_type: 'Bearer', refresh_token: state.oauth.refreshToken })
}

// --- RaaS ------------------------------------------------------------------------------------------

function reportReply(state: WorkdayFakeState, url: URL): Reply {
  let workers = state.data.workers
  const since = url.searchParams.get(state.updatedSincePrompt)
  if (since !== null) {
    const sinceMs = parsePromptMoment(since)
    if (sinceMs === undefined) {
      return textReply(400, `Prompt ${state.updatedSincePrompt}: "${since}" is not a date (YYYY-MM-DD, YYYY-MM-DD-08:00) or date-time (2024-03-01T08:00:00Z).`)
    }
    workers = workers.filter((worker) => worker.updatedMs >= sinceMs)
  }
  const widColumn = state.reportWidColumn
  const entries = workers.map((worker) => (widColumn === undefined ? worker.entry : withWid(worker, widColumn)))
  const format = (url.searchParams.get('format') ?? 'xml').toLowerCase()
  switch (format) {
    case 'json':
      return jsonReply(200, { Report_Entry: entries })
    case 'csv':
      return { status: 200, type: 'text/csv;charset=UTF-8', body: reportCsv(entries) }
    case 'xml':
    case 'simplexml':
      return { status: 200, type: 'application/xml;charset=UTF-8', body: reportXml(state.reportName, entries) }
    default:
      return textReply(400, `format=${format} is not supported by the fake; use json, csv or xml.`)
  }
}

/** The entry with its WID right after the Employee_ID (a report with a WID column). */
function withWid(worker: FakeWorker, column: string): ReportEntry {
  const { Employee_ID: employeeId, ...rest } = worker.entry
  return { Employee_ID: employeeId, [column]: worker.wid, ...rest }
}

/** YYYY-MM-DD (UTC midnight), Workday's zoned date YYYY-MM-DD-08:00, or an ISO date-time with a zone. */
function parsePromptMoment(value: string): number | undefined {
  const date = /^(\d{4}-\d{2}-\d{2})([+-]\d{2}:\d{2}|Z)?$/.exec(value)
  const text = date ? `${date[1]}T00:00:00${date[2] ?? 'Z'}` : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : undefined
  if (text === undefined) return undefined
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : undefined
}

const needsQuotes = /[",\r\n]|^\s|\s$/

function csvField(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value)
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Label header, minimal quoting, LF line ends (as the UI download the generator imitates). */
function reportCsv(entries: ReportEntry[]): string {
  const lines = [reportColumns.map((column) => csvField(column.label)).join(',')]
  for (const entry of entries) {
    lines.push(reportColumns.map((column) => csvField(column.alias === 'Worker_s_Manager_group' ? managerIdOf(entry) : entry[column.alias])).join(','))
  }
  return `${lines.join('\n')}\n`
}

function xmlEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

function xmlElement(key: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => xmlElement(key, item)).join('')
  if (typeof value === 'object' && value !== null) {
    return `<wd:${key}>${Object.entries(value).map(([child, inner]) => xmlElement(child, inner)).join('')}</wd:${key}>`
  }
  return `<wd:${key}>${xmlEscape(String(value))}</wd:${key}>`
}

/** The default (XML) output: `wd:Report_Data/wd:Report_Entry`, one element per column, groups nested. */
function reportXml(reportName: string, entries: ReportEntry[]): string {
  const body = entries.map((entry) => `<wd:Report_Entry>${Object.entries(entry).map(([key, value]) => xmlElement(key, value)).join('')}</wd:Report_Entry>`).join('')
  return `<?xml version='1.0' encoding='UTF-8'?><wd:Report_Data xmlns:wd="urn:com.workday.report/${xmlEscape(reportName)}">${body}</wd:Report_Data>`
}

// --- REST ------------------------------------------------------------------------------------------

function workersReply(state: WorkdayFakeState, service: string, id: string | undefined, url: URL): Reply {
  const visible = state.data.workers.filter((worker) => state.restIncludeTerminated || isActive(worker.entry))
  const apiBase = service === 'v4' ? `${state.baseUrl}/ccx/api/v4/${state.tenant}` : `${state.baseUrl}/ccx/api/${service}/${state.tenant}`
  const render = (worker: FakeWorker): Record<string, unknown> => (service === 'v4' ? legacyWorker(worker) : workerSummary(state, worker, apiBase))
  if (id !== undefined) {
    const worker = visible.find((candidate) => candidate.wid === id)
    return worker ? jsonReply(200, render(worker)) : jsonReply(404, { error: 'Resource not found' })
  }
  const limit = integerParam(url, 'limit', 20)
  const offset = integerParam(url, 'offset', 0)
  if (limit === undefined || limit < 1 || limit > 100) return validationError('limit', 'limit must be an integer from 1 to 100')
  if (offset === undefined) return validationError('offset', 'offset must be a non-negative integer')
  return jsonReply(200, { total: visible.length, data: visible.slice(offset, offset + limit).map(render) })
}

function integerParam(url: URL, name: string, fallback: number): number | undefined {
  const value = url.searchParams.get(name)
  if (value === null) return fallback
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined
}

function text(entry: ReportEntry, key: string): string | undefined {
  const value = entry[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function isManager(state: WorkdayFakeState, worker: FakeWorker): boolean {
  const employeeId = employeeIdOf(worker)
  return state.data.workers.some((other) => other !== worker && isActive(other.entry) && managerIdOf(other.entry) === employeeId)
}

/** The common/v1 (and staffing/v6) workerSummary: flat, references as {id, descriptor[, href]}. */
function workerSummary(state: WorkdayFakeState, worker: FakeWorker, apiBase: string): Record<string, unknown> {
  const { entry } = worker
  const organization = text(entry, 'Supervisory_Organization')
  const location = text(entry, 'Location')
  const summary: Record<string, unknown> = {
    id: worker.wid,
    descriptor: text(entry, 'Worker'),
    href: `${apiBase}/workers/${worker.wid}`,
    isManager: isManager(state, worker),
    primaryWorkEmail: text(entry, 'Email_-_Work'),
    primaryWorkPhone: text(entry, 'primaryWorkPhone'),
    businessTitle: text(entry, 'businessTitle'),
    primarySupervisoryOrganization:
      organization === undefined
        ? undefined
        : { id: fakeWid('organization', organization), descriptor: organization, href: `${apiBase}/supervisoryOrganizations/${fakeWid('organization', organization)}` },
    location: location === undefined ? undefined : { id: fakeWid('location', location), descriptor: location },
  }
  if (state.restEmployeeIdKey !== undefined) summary[state.restEmployeeIdKey] = employeeIdOf(worker)
  return withoutUndefined(summary)
}

/** The older /ccx/api/v4 worker the faros-ai workers.json sample shows: job and person nested. */
function legacyWorker(worker: FakeWorker): Record<string, unknown> {
  const { entry } = worker
  const employeeId = employeeIdOf(worker)
  const organization = text(entry, 'Supervisory_Organization')
  const location = text(entry, 'Location')
  const title = text(entry, 'businessTitle')
  return withoutUndefined({
    primaryJob: withoutUndefined({
      businessTitle: title,
      supervisoryOrganization: organization === undefined ? undefined : { descriptor: organization, id: fakeWid('organization', organization) },
      location: location === undefined ? undefined : { id: fakeWid('location', location), descriptor: location },
      descriptor: title,
      id: fakeWid('job', employeeId),
    }),
    person: withoutUndefined({ phone: text(entry, 'primaryWorkPhone'), email: text(entry, 'Email_-_Work'), id: fakeWid('person', employeeId) }),
    descriptor: text(entry, 'Worker'),
    id: worker.wid,
  })
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined))
}
