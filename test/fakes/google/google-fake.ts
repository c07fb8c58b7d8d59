import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import ICAL from 'ical.js'
import { eventDateTime, instanceSuffix, type EventResource, type GoogleTenant, type PersonResource, type Tracked } from './tenant.ts'

/**
 * A fake of the Google Directory (admin directory_v1), People (v1) and Calendar (v3) APIs plus the
 * OAuth token endpoint, on plain node:http (socket-level faults need the raw socket), for driving the
 * real `googleapis` clients with `rootUrl: fake.rootUrl`. Shapes follow the discovery documents in
 * shared/datasets/sources/google/googleapis-discovery and shared/docs/source-formats.md §4B; what is
 * modelled and what is not is in README.md.
 */

export type GoogleApi = 'directory' | 'people' | 'calendar' | 'token'

export type GoogleFault =
  /** HTTP 403, v1 error body, domain usageLimits (Directory's documented rate-limit signal). */
  | { type: 'rate_limit'; reason: 'userRateLimitExceeded' | 'quotaExceeded' | 'rateLimitExceeded' }
  /** HTTP 429 RESOURCE_EXHAUSTED (People: v2 body with ErrorInfo RATE_LIMIT_EXCEEDED; others: v1 body). */
  | { type: 'resource_exhausted' }
  /** HTTP 5xx with Google's error body (500 backendError/INTERNAL, 503 UNAVAILABLE, …). */
  | { type: 'server_error'; status?: number }
  /** TCP reset before any response byte. */
  | { type: 'reset' }
  /** The real response's headers with its full Content-Length, half the body, then the socket is destroyed. */
  | { type: 'truncated' }
  /** Never answers; the request only ends when the client gives up or close() is called. */
  | { type: 'hang' }

export interface CallRecord {
  api: GoogleApi | 'unknown'
  httpMethod: string
  path: string
  /** Query parameters (token endpoint: form fields) without access_token, refresh_token, client_secret. */
  params: Record<string, string>
  /** HTTP status sent, 0 for a socket fault. */
  status: number
  /** 'ok', 'error:<reason>' or 'fault:<type>'. */
  outcome: string
}

export interface GoogleFakeOptions {
  tenant: GoogleTenant
  /** Accepted access tokens (default ['ya29.fake-access-token']). */
  accessTokens?: string[]
  /** Refresh tokens the token endpoint exchanges (default ['1//fake-refresh-token']). */
  refreshTokens?: string[]
  /** OAuth client; when set, the token endpoint checks client_id/client_secret. */
  client?: { id: string; secret: string }
  /** Milliseconds since the epoch; default the tenant's clock. People sync tokens expire 7 days after issue. */
  clock?: () => number
  /** Scopes every access token carries (default GOOGLE_READ_SCOPES); a call outside them answers 403. */
  scopes?: string[]
}

const AUTH = 'https://www.googleapis.com/auth/'

/** The read-only scopes of the four listings the sync uses. */
export const GOOGLE_READ_SCOPES = [`${AUTH}admin.directory.user.readonly`, `${AUTH}contacts.readonly`, `${AUTH}contacts.other.readonly`, `${AUTH}calendar.readonly`]

/** Which scopes let a path be read (the narrow read-only one, or a broader one), and the method Google names in the 403. */
const scopeRules: { path: RegExp; scopes: string[]; service: string; method: string }[] = [
  { path: /^\/admin\/directory\/v1\/users/, scopes: [`${AUTH}admin.directory.user.readonly`, `${AUTH}admin.directory.user`], service: 'admin.googleapis.com', method: 'ccc.hosted.frontend.directory.v1.DirectoryUsers.List' },
  { path: /^\/v1\/people\//, scopes: [`${AUTH}contacts.readonly`, `${AUTH}contacts`], service: 'people.googleapis.com', method: 'google.people.v1.PeopleService.ListConnections' },
  { path: /^\/v1\/otherContacts/, scopes: [`${AUTH}contacts.other.readonly`], service: 'people.googleapis.com', method: 'google.people.v1.OtherContacts.ListOtherContacts' },
  {
    path: /^\/calendar\/v3\//,
    scopes: [`${AUTH}calendar.readonly`, `${AUTH}calendar`, `${AUTH}calendar.events.readonly`, `${AUTH}calendar.events`],
    service: 'calendar-json.googleapis.com',
    method: 'calendar.v3.Events.List',
  },
]

interface PendingFault {
  api: GoogleApi | '*'
  fault: GoogleFault
  remaining: number
}

type Collection = 'connections' | 'otherContacts' | 'events'

interface SyncTokenRecord {
  collection: Collection
  /** Tenant revision when the listing began: later changes are returned by the next sync. */
  revision: number
  paramsKey: string
  issuedAt: number
  expired: boolean
}

interface PageTokenRecord {
  collection: Collection | 'users'
  paramsKey: string
  /** Snapshot of the listing's keys at its first page; pages resolve each key to its current version. */
  keys: string[]
  offset: number
  /** Revision for the sync token handed out on the last page. */
  revision: number
}

const PEOPLE_SYNC_TOKEN_TTL_MS = 7 * 24 * 3600 * 1000

export class GoogleFakeState {
  readonly tenant: GoogleTenant
  readonly accessTokens: Set<string>
  readonly refreshTokens: Set<string>
  readonly client: { id: string; secret: string } | undefined
  readonly clock: () => number
  /** The scopes access tokens carry; change it to take a scope away (then refresh, as a user re-consenting would). */
  readonly grantedScopes: Set<string>
  readonly calls: CallRecord[] = []
  private faults: PendingFault[] = []
  private repeats: { collection: Collection | 'users'; pagesBefore: number }[] = []
  /** @internal */ readonly syncTokens = new Map<string, SyncTokenRecord>()
  /** @internal */ readonly pageTokens = new Map<string, PageTokenRecord>()
  private issued = 0

  constructor(options: GoogleFakeOptions) {
    this.tenant = options.tenant
    this.accessTokens = new Set(options.accessTokens ?? ['ya29.fake-access-token'])
    this.refreshTokens = new Set(options.refreshTokens ?? ['1//fake-refresh-token'])
    this.client = options.client
    this.clock = options.clock ?? options.tenant.clock
    this.grantedScopes = new Set(options.scopes ?? GOOGLE_READ_SCOPES)
  }

  /** The next `times` calls to `api` ('*' = any, the token endpoint included) meet `fault`; faults queue in order. */
  inject(api: GoogleApi | '*', fault: GoogleFault, times = 1): void {
    this.faults.push({ api, fault, remaining: times })
  }

  clearFaults(): void {
    this.faults = []
    this.repeats = []
  }

  /**
   * Duplicate delivery, once: the `page`-th page of `collection` ('users', 'connections',
   * 'otherContacts', 'events') served from now on is followed by that same page again — its
   * nextPageToken is a new token for the page's own offset — and then the listing goes on.
   */
  repeatPage(collection: Collection | 'users', page = 1): void {
    this.repeats.push({ collection, pagesBefore: page - 1 })
  }

  /** repeatPage switches whose page has not been served yet. */
  get pendingRepeats(): number {
    return this.repeats.length
  }

  /** @internal called once per page served; true when this page is to come again. */
  takeRepeat(collection: Collection | 'users'): boolean {
    const pending = this.repeats.find((candidate) => candidate.collection === collection)
    if (!pending) return false
    if (pending.pagesBefore > 0) {
      pending.pagesBefore -= 1
      return false
    }
    this.repeats = this.repeats.filter((candidate) => candidate !== pending)
    return true
  }

  callsOf(api: GoogleApi): CallRecord[] {
    return this.calls.filter((call) => call.api === api)
  }

  /** Makes an access token invalid (next use → 401). */
  revokeAccessToken(token: string): void {
    this.accessTokens.delete(token)
  }

  /** People: every issued sync token (of `collection`, or all) answers 400 FAILED_PRECONDITION EXPIRED_SYNC_TOKEN. */
  expireSyncTokens(collection?: 'connections' | 'otherContacts'): void {
    for (const record of this.syncTokens.values()) {
      if (record.collection !== 'events' && (collection === undefined || record.collection === collection)) record.expired = true
    }
  }

  /** Calendar: every issued events sync token answers 410 fullSyncRequired. */
  invalidateCalendarSyncTokens(): void {
    for (const record of this.syncTokens.values()) if (record.collection === 'events') record.expired = true
  }

  /** @internal */
  takeFault(api: GoogleApi): GoogleFault | undefined {
    const pending = this.faults.find((candidate) => candidate.remaining > 0 && (candidate.api === '*' || candidate.api === api))
    if (!pending) return undefined
    pending.remaining -= 1
    this.faults = this.faults.filter((candidate) => candidate.remaining > 0)
    return pending.fault
  }

  /** @internal an opaque token, like Google's (base64url of random bytes). */
  newToken(): string {
    this.issued += 1
    return `${randomBytes(18).toString('base64url')}${this.issued}`
  }

  /** @internal */
  issueAccessToken(): string {
    const token = `ya29.fake-${this.newToken()}`
    this.accessTokens.add(token)
    return token
  }
}

export interface GoogleFake {
  /** For `google.admin|people|calendar({ …, rootUrl })`; ends with '/'. */
  rootUrl: string
  /** For `new google.auth.OAuth2({ endpoints: { oauth2TokenUrl: tokenUrl } })`. */
  tokenUrl: string
  state: GoogleFakeState
  close(): Promise<void>
}

export async function startGoogleFake(options: GoogleFakeOptions): Promise<GoogleFake> {
  const state = new GoogleFakeState(options)
  const server = createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: { code: 500, message: String(error), status: 'INTERNAL' } })
      else response.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  const rootUrl = `http://127.0.0.1:${port}/`
  return {
    rootUrl,
    tokenUrl: `${rootUrl}token`,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // Keep-alive sockets of fetch and hanging requests would hold close() open.
        server.closeAllConnections()
      }),
  }
}

// ---- errors ----

/** An error answer; `body` is already in the API's error format. */
class ApiError extends Error {
  readonly status: number
  readonly reason: string
  readonly body: Record<string, unknown>
  constructor(status: number, reason: string, body: Record<string, unknown>) {
    super(reason)
    this.status = status
    this.reason = reason
    this.body = body
  }
}

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  410: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

/** Directory and Calendar: the v1 ("JSON-RPC") format, `errors[]` with domain/reason. */
function v1Error(status: number, reason: string, message: string, extra: { domain?: string; location?: string; locationType?: string } = {}): ApiError {
  const detail = { message, domain: extra.domain ?? 'global', reason, ...(extra.location ? { location: extra.location, locationType: extra.locationType ?? 'parameter' } : {}) }
  return new ApiError(status, reason, { error: { code: status, message, errors: [detail], ...(statusNames[status] ? { status: statusNames[status] } : {}) } })
}

/** People: the v2 format, `status` plus `details[]` with a google.rpc.ErrorInfo. */
function v2Error(status: number, grpcStatus: string, message: string, reason?: string, metadata?: Record<string, string>): ApiError {
  const details = reason
    ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: reason === 'RATE_LIMIT_EXCEEDED' ? 'googleapis.com' : 'people.googleapis.com', ...(metadata ? { metadata } : {}) }]
    : undefined
  return new ApiError(status, reason ?? grpcStatus, { error: { code: status, message, status: grpcStatus, ...(details ? { details } : {}) } })
}

function invalidArgument(api: GoogleApi, message: string, location?: string): ApiError {
  if (api === 'people') return v2Error(400, 'INVALID_ARGUMENT', message)
  return v1Error(400, 'invalid', message, location ? { location } : {})
}

function faultError(api: GoogleApi, fault: GoogleFault): ApiError {
  switch (fault.type) {
    case 'rate_limit': {
      const message =
        fault.reason === 'quotaExceeded'
          ? 'Quota exceeded for quota metric \'Queries\' and limit \'Queries per minute per user\'.'
          : fault.reason === 'userRateLimitExceeded'
            ? 'User Rate Limit Exceeded'
            : 'Rate Limit Exceeded'
      return v1Error(403, fault.reason, message, { domain: 'usageLimits' })
    }
    case 'resource_exhausted': {
      const service = api === 'people' ? 'people.googleapis.com' : api === 'calendar' ? 'calendar-json.googleapis.com' : 'admin.googleapis.com'
      const message = `Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service '${service}' for consumer 'project_number:000000000000'.`
      if (api === 'people') {
        return v2Error(429, 'RESOURCE_EXHAUSTED', message, 'RATE_LIMIT_EXCEEDED', { service, quota_metric: `${service}/read_requests`, quota_limit: 'ReadRequestsPerMinutePerUser' })
      }
      return v1Error(429, 'rateLimitExceeded', message, { domain: 'usageLimits' })
    }
    case 'server_error': {
      const status = fault.status ?? 503
      if (api === 'people') return v2Error(status, statusNames[status] ?? 'INTERNAL', status === 503 ? 'The service is currently unavailable.' : 'Internal error encountered.')
      return v1Error(status, status === 503 ? 'backendError' : 'internalError', status === 503 ? 'The service is currently unavailable.' : 'Internal error encountered.')
    }
    default:
      throw new Error(`fault ${fault.type} has no HTTP answer`)
  }
}

function unauthenticated(api: GoogleApi): ApiError {
  const message =
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'
  if (api === 'people') return v2Error(401, 'UNAUTHENTICATED', message, 'ACCESS_TOKEN_EXPIRED', { service: 'people.googleapis.com', method: 'google.people.v1.PeopleService.ListConnections' })
  return v1Error(401, 'authError', message, { location: 'Authorization', locationType: 'header' })
}

/**
 * 403 for a token without the scope (as Google answers it): v1 APIs list reason insufficientPermissions
 * and add an ErrorInfo ACCESS_TOKEN_SCOPE_INSUFFICIENT; People has the ErrorInfo alone.
 */
function insufficientScope(api: GoogleApi, rule: { service: string; method: string }): ApiError {
  const message = 'Request had insufficient authentication scopes.'
  const info = { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com', metadata: { service: rule.service, method: rule.method } }
  if (api === 'people') return new ApiError(403, 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', { error: { code: 403, message, status: 'PERMISSION_DENIED', details: [info] } })
  return new ApiError(403, 'insufficientPermissions', {
    error: { code: 403, message, errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }], status: 'PERMISSION_DENIED', details: [info] },
  })
}

// ---- HTTP ----

interface Answer {
  status: number
  body: Record<string, unknown>
}

function apiOf(pathname: string): GoogleApi | 'unknown' {
  if (pathname === '/token') return 'token'
  if (pathname.startsWith('/admin/directory/v1/')) return 'directory'
  if (pathname.startsWith('/v1/people/') || pathname.startsWith('/v1/otherContacts')) return 'people'
  if (pathname.startsWith('/calendar/v3/')) return 'calendar'
  return 'unknown'
}

const secretParams = new Set(['access_token', 'refresh_token', 'client_secret', 'key', 'code'])

async function handle(state: GoogleFakeState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1')
  const rawBody = await readBody(request)
  const api = apiOf(url.pathname)
  const form = api === 'token' ? Object.fromEntries(new URLSearchParams(rawBody)) : {}
  const query = Object.fromEntries(url.searchParams)
  const params = Object.fromEntries(Object.entries({ ...query, ...form }).filter(([key]) => !secretParams.has(key)))
  const call: CallRecord = { api, httpMethod: request.method ?? '', path: url.pathname, params, status: 0, outcome: '' }
  state.calls.push(call)
  if (api === 'unknown') {
    call.status = 404
    call.outcome = 'error:notFound'
    sendJson(response, 404, { error: { code: 404, message: `Not Found: ${url.pathname}`, status: 'NOT_FOUND' } })
    return
  }

  const fault = state.takeFault(api)
  if (fault && (fault.type === 'reset' || fault.type === 'hang')) {
    call.outcome = `fault:${fault.type}`
    if (fault.type === 'reset') request.socket.resetAndDestroy()
    // hang: leave the request open; close() ends it.
    return
  }

  let answer: Answer
  try {
    if (fault && fault.type !== 'truncated') throw faultError(api, fault)
    answer = api === 'token' ? token(state, request.method ?? '', form) : route(state, api, request, url)
  } catch (error) {
    if (!(error instanceof ApiError)) throw error
    answer = { status: error.status, body: error.body }
    call.outcome = fault && fault.type !== 'truncated' ? `fault:${fault.type}` : `error:${error.reason}`
  }
  call.status = answer.status
  if (call.outcome === '') call.outcome = 'ok'
  if (fault?.type === 'truncated') {
    call.outcome = 'fault:truncated'
    const text = JSON.stringify(answer.body)
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) })
    response.write(text.slice(0, Math.floor(text.length / 2)), () => response.destroy())
    return
  }
  sendJson(response, answer.status, answer.body)
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), vary: 'Origin, X-Origin, Referer' })
  response.end(text)
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

function bearer(header: string | undefined): string | undefined {
  const match = header && /^Bearer\s+(\S+)$/i.exec(header)
  return match ? match[1] : undefined
}

// ---- OAuth token endpoint ----

function token(state: GoogleFakeState, method: string, form: Record<string, string>): Answer {
  const oauthError = (status: number, error: string, description: string): ApiError => new ApiError(status, error, { error, error_description: description })
  if (method !== 'POST') throw oauthError(405, 'invalid_request', 'The token endpoint only answers POST.')
  if (state.client && (form.client_id !== state.client.id || form.client_secret !== state.client.secret)) {
    throw oauthError(401, 'invalid_client', 'The OAuth client was not found.')
  }
  if (form.grant_type !== 'refresh_token') throw oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${form.grant_type ?? ''}`)
  if (!form.refresh_token || !state.refreshTokens.has(form.refresh_token)) throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.')
  return {
    status: 200,
    body: {
      access_token: state.issueAccessToken(),
      expires_in: 3599,
      scope: [...state.grantedScopes].join(' '),
      token_type: 'Bearer',
    },
  }
}

// ---- routing ----

function route(state: GoogleFakeState, api: GoogleApi, request: IncomingMessage, url: URL): Answer {
  const accessToken = bearer(request.headers.authorization) ?? url.searchParams.get('access_token') ?? undefined
  if (accessToken === undefined || !state.accessTokens.has(accessToken)) throw unauthenticated(api)
  const rule = scopeRules.find((candidate) => candidate.path.test(url.pathname))
  if (rule && !rule.scopes.some((scope) => state.grantedScopes.has(scope))) throw insufficientScope(api, rule)
  if (request.method !== 'GET') throw v1Error(405, 'httpMethodNotAllowed', `Method ${request.method ?? ''} is not allowed by the fake (read-only).`)
  const q = url.searchParams
  const path = url.pathname
  if (path === '/admin/directory/v1/users') return { status: 200, body: listUsers(state, q) }
  const userMatch = /^\/admin\/directory\/v1\/users\/([^/]+)$/.exec(path)
  if (userMatch) return { status: 200, body: getUser(state, decodeURIComponent(userMatch[1]!), q) }
  if (path === '/v1/people/me/connections') return { status: 200, body: listPeople(state, 'connections', q) }
  if (path === '/v1/otherContacts') return { status: 200, body: listPeople(state, 'otherContacts', q) }
  const eventsMatch = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(path)
  if (eventsMatch) return { status: 200, body: listEvents(state, decodeURIComponent(eventsMatch[1]!), q) }
  if (api === 'people') throw v2Error(404, 'NOT_FOUND', `Method not found: ${path}`)
  throw v1Error(404, 'notFound', `Not Found: ${path}`)
}

function intParam(api: GoogleApi, q: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const text = q.get(name)
  if (text === null || text === '') return fallback
  const value = Number(text)
  if (api === 'people' && value === 0) return fallback
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(api, `Invalid value '${text}'. Values must be within the range: [${min}, ${max}]`, name)
  }
  return value
}

function boolParam(q: URLSearchParams, name: string): boolean {
  return q.get(name) === 'true'
}

/** Starts or continues a paged listing over `keys`; returns the page's keys and what comes next. */
function page(
  state: GoogleFakeState,
  api: GoogleApi,
  collection: PageTokenRecord['collection'],
  paramsKey: string,
  pageToken: string | null,
  size: number,
  firstPage: () => { keys: string[]; revision: number },
): { keys: string[]; nextPageToken?: string; revision: number; total: number } {
  let record: PageTokenRecord
  if (pageToken) {
    const found = state.pageTokens.get(pageToken)
    if (!found || found.collection !== collection) throw invalidArgument(api, 'Invalid pageToken.', 'pageToken')
    if (found.paramsKey !== paramsKey) {
      throw invalidArgument(api, 'Parameters other than pageToken and the page size must match the call that returned the page token.', 'pageToken')
    }
    record = found
  } else {
    const { keys, revision } = firstPage()
    record = { collection, paramsKey, keys, offset: 0, revision }
  }
  const keys = record.keys.slice(record.offset, record.offset + size)
  const next = keys.length > 0 && state.takeRepeat(collection) ? record.offset : record.offset + size
  if (next >= record.keys.length) return { keys, revision: record.revision, total: record.keys.length }
  const nextPageToken = state.newToken()
  state.pageTokens.set(nextPageToken, { ...record, offset: next })
  return { keys, nextPageToken, revision: record.revision, total: record.keys.length }
}

// ---- Directory ----

const basicUserFields = new Set(['kind', 'id', 'etag', 'primaryEmail', 'name', 'isAdmin', 'isDelegatedAdmin', 'lastLoginTime', 'creationTime', 'agreedToTerms', 'suspended', 'suspensionReason', 'archived', 'changePasswordAtNextLogin', 'ipWhitelisted', 'emails', 'phones', 'addresses', 'organizations', 'relations', 'externalIds', 'aliases', 'nonEditableAliases', 'customerId', 'orgUnitPath', 'isMailboxSetup', 'isEnrolledIn2Sv', 'isEnforcedIn2Sv', 'includeInGlobalAddressList', 'thumbnailPhotoUrl', 'thumbnailPhotoEtag', 'recoveryEmail', 'recoveryPhone', 'deletionTime', 'languages', 'gender', 'locations', 'websites', 'ims', 'keywords', 'posixAccounts', 'sshPublicKeys', 'notes'])
/** domain_public: what any user of the domain may see. */
const publicUserFields = new Set(['kind', 'id', 'etag', 'primaryEmail', 'name', 'emails', 'phones', 'addresses', 'organizations', 'relations', 'externalIds', 'thumbnailPhotoUrl', 'thumbnailPhotoEtag', 'locations', 'websites', 'languages', 'gender', 'ims', 'keywords'])

function userView(user: Record<string, unknown>, q: URLSearchParams): Record<string, unknown> {
  const projection = q.get('projection') ?? 'basic'
  const fields = q.get('viewType') === 'domain_public' ? publicUserFields : basicUserFields
  const view = Object.fromEntries(Object.entries(user).filter(([key]) => fields.has(key) || (key === 'customSchemas' && projection !== 'basic')))
  return view
}

function checkUserViewParams(q: URLSearchParams): void {
  const projection = q.get('projection')
  if (projection !== null && !['basic', 'custom', 'full'].includes(projection)) throw invalidArgument('directory', `Invalid value '${projection}' for projection.`, 'projection')
  if (projection === 'custom' && !q.get('customFieldMask')) throw v1Error(400, 'invalid', 'Custom field mask is required when projection is custom.', { location: 'customFieldMask' })
  const viewType = q.get('viewType')
  if (viewType !== null && !['admin_view', 'domain_public'].includes(viewType)) throw invalidArgument('directory', `Invalid value '${viewType}' for viewType.`, 'viewType')
}

function listUsers(state: GoogleFakeState, q: URLSearchParams): Record<string, unknown> {
  const tenant = state.tenant
  const customer = q.get('customer')
  const domain = q.get('domain')?.toLowerCase()
  if (!customer && !domain) throw v1Error(400, 'badRequest', 'Bad Request')
  if (customer && customer !== 'my_customer' && customer !== tenant.customerId) throw v1Error(404, 'notFound', 'Resource Not Found: customer')
  if (domain && !tenant.domains.has(domain)) throw v1Error(404, 'notFound', 'Domain not found.')
  if (q.get('query')) throw v1Error(400, 'invalid', 'The fake does not implement the Directory query language (query=…); list all and filter.', { location: 'query' })
  if (q.get('event')) throw v1Error(400, 'invalid', 'The fake does not implement users.watch events.', { location: 'event' })
  checkUserViewParams(q)
  const maxResults = intParam('directory', q, 'maxResults', 1, 500, 100)
  const orderBy = q.get('orderBy')
  if (orderBy !== null && !['email', 'familyName', 'givenName'].includes(orderBy)) throw invalidArgument('directory', `Invalid value '${orderBy}' for orderBy.`, 'orderBy')
  const sortOrder = q.get('sortOrder') ?? 'ASCENDING'
  if (!['ASCENDING', 'DESCENDING'].includes(sortOrder)) throw invalidArgument('directory', `Invalid value '${sortOrder}' for sortOrder.`, 'sortOrder')
  const showDeleted = boolParam(q, 'showDeleted')
  const paramsKey = JSON.stringify([customer, domain, orderBy, sortOrder, showDeleted, q.get('projection'), q.get('viewType')])
  const result = page(state, 'directory', 'users', paramsKey, q.get('pageToken'), maxResults, () => {
    let users = [...tenant.users.values()].filter((tracked) => tracked.deleted === showDeleted && (!domain || tracked.resource.primaryEmail.toLowerCase().endsWith(`@${domain}`)))
    if (orderBy) {
      const keyOf = (tracked: Tracked<Record<string, unknown>>): string => {
        const name = (tracked.resource.name ?? {}) as Record<string, string | undefined>
        return (orderBy === 'email' ? String(tracked.resource.primaryEmail) : (name[orderBy] ?? '')).toLowerCase()
      }
      users = users.sort((a, b) => keyOf(a).localeCompare(keyOf(b)) * (sortOrder === 'DESCENDING' ? -1 : 1))
    }
    return { keys: users.map((tracked) => tracked.resource.id), revision: tenant.revision }
  })
  const users = result.keys.flatMap((id) => {
    const tracked = tenant.users.get(id)
    return tracked && tracked.deleted === showDeleted ? [userView(tracked.resource, q)] : []
  })
  return {
    kind: 'admin#directory#users',
    etag: `"${Buffer.from(`users:${tenant.revision}:${q.get('pageToken') ?? ''}`).toString('base64url')}"`,
    ...(users.length > 0 ? { users } : {}),
    ...(result.nextPageToken ? { nextPageToken: result.nextPageToken } : {}),
  }
}

function getUser(state: GoogleFakeState, userKey: string, q: URLSearchParams): Record<string, unknown> {
  checkUserViewParams(q)
  const tracked = state.tenant.findUser(userKey)
  if (!tracked || tracked.deleted) throw v1Error(404, 'notFound', 'Resource Not Found: userKey')
  return userView(tracked.resource, q)
}

// ---- People ----

const personFieldNames = new Set([
  'addresses', 'ageRanges', 'biographies', 'birthdays', 'calendarUrls', 'clientData', 'coverPhotos', 'emailAddresses', 'events', 'externalIds', 'genders', 'imClients', 'interests',
  'locales', 'locations', 'memberships', 'metadata', 'miscKeywords', 'names', 'nicknames', 'occupations', 'organizations', 'phoneNumbers', 'photos', 'relations', 'sipAddresses',
  'skills', 'urls', 'userDefined',
])
/** otherContacts.list readMask: only the OTHER_CONTACT fields (CONTACT-source fields need sources=READ_SOURCE_TYPE_PROFILE, not modelled). */
const otherContactFieldNames = new Set(['emailAddresses', 'metadata', 'names', 'phoneNumbers', 'photos'])

function fieldMask(q: URLSearchParams, collection: 'connections' | 'otherContacts'): string[] {
  const name = collection === 'connections' ? 'personFields' : 'readMask'
  const raw = q.get(name) ?? q.get('requestMask.includeField')
  if (!raw) throw v2Error(400, 'INVALID_ARGUMENT', `${name} mask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people.connections/list.`)
  const fields = raw.split(',').map((field) => field.trim().replace(/^person\./, '')).filter(Boolean)
  const allowed = collection === 'connections' ? personFieldNames : otherContactFieldNames
  const bad = fields.find((field) => !allowed.has(field))
  if (bad !== undefined) throw v2Error(400, 'INVALID_ARGUMENT', `Invalid ${name} mask path: "${bad}". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people.connections/list.`)
  return [...new Set(fields)].sort()
}

function personView(tracked: Tracked<PersonResource>, fields: string[]): Record<string, unknown> {
  const person = tracked.resource
  if (tracked.deleted) {
    // A deletion in a sync page: the resource name, etag and metadata.deleted (sources are gone).
    return { resourceName: person.resourceName, etag: person.etag, metadata: { deleted: true, objectType: 'PERSON' } }
  }
  const view: Record<string, unknown> = { resourceName: person.resourceName, etag: person.etag }
  for (const field of fields) if (person[field] !== undefined) view[field] = person[field]
  return view
}

function updateTimeOf(person: PersonResource): string {
  const sources = (person.metadata as { sources?: { updateTime?: string }[] } | undefined)?.sources
  return sources?.[0]?.updateTime ?? ''
}

function listPeople(state: GoogleFakeState, collection: 'connections' | 'otherContacts', q: URLSearchParams): Record<string, unknown> {
  const tenant = state.tenant
  const map = collection === 'connections' ? tenant.contacts : tenant.otherContacts
  const fields = fieldMask(q, collection)
  const pageSize = intParam('people', q, 'pageSize', 1, 1000, 100)
  const sortOrder = collection === 'connections' ? (q.get('sortOrder') ?? 'LAST_MODIFIED_ASCENDING') : 'LAST_MODIFIED_ASCENDING'
  if (!['LAST_MODIFIED_ASCENDING', 'LAST_MODIFIED_DESCENDING', 'FIRST_NAME_ASCENDING', 'LAST_NAME_ASCENDING'].includes(sortOrder)) {
    throw v2Error(400, 'INVALID_ARGUMENT', `Invalid value at 'sort_order' (type.googleapis.com/google.people.v1.ListConnectionsRequest.SortOrder), "${sortOrder}"`)
  }
  const sources = q.getAll('sources').sort().join(',')
  const requestSyncToken = boolParam(q, 'requestSyncToken')
  const paramsKey = JSON.stringify([fields, sortOrder, sources, requestSyncToken])
  const syncToken = q.get('syncToken')
  let since: number | undefined
  if (syncToken) {
    const record = state.syncTokens.get(syncToken)
    if (!record || record.collection !== collection) throw v2Error(400, 'INVALID_ARGUMENT', 'Sync token is invalid.')
    if (record.expired || state.clock() - record.issuedAt > PEOPLE_SYNC_TOKEN_TTL_MS) {
      throw v2Error(400, 'FAILED_PRECONDITION', 'Sync token is expired. Clear local cache and retry call without the sync token.', 'EXPIRED_SYNC_TOKEN')
    }
    if (record.paramsKey !== paramsKey) {
      throw v2Error(400, 'INVALID_ARGUMENT', 'All parameters other than pageToken and pageSize must match the call that returned the sync token.')
    }
    since = record.revision
  }
  const result = page(state, 'people', collection, `${paramsKey}|${syncToken ?? ''}`, q.get('pageToken'), pageSize, () => {
    let items = [...map.values()].filter((tracked) => (since === undefined ? !tracked.deleted : tracked.revision > since))
    const name = (tracked: Tracked<PersonResource>, part: 'givenName' | 'familyName'): string =>
      ((tracked.resource.names as Record<string, string>[] | undefined)?.[0]?.[part] ?? '').toLowerCase()
    if (sortOrder === 'FIRST_NAME_ASCENDING') items = items.sort((a, b) => name(a, 'givenName').localeCompare(name(b, 'givenName')))
    else if (sortOrder === 'LAST_NAME_ASCENDING') items = items.sort((a, b) => name(a, 'familyName').localeCompare(name(b, 'familyName')))
    else {
      items = items.sort((a, b) => updateTimeOf(a.resource).localeCompare(updateTimeOf(b.resource)) || a.revision - b.revision)
      if (sortOrder === 'LAST_MODIFIED_DESCENDING') items.reverse()
    }
    return { keys: items.map((tracked) => tracked.resource.resourceName), revision: tenant.revision }
  })
  const people = result.keys.flatMap((key) => {
    const tracked = map.get(key)
    if (!tracked || (since === undefined && tracked.deleted)) return []
    return [personView(tracked, fields)]
  })
  const body: Record<string, unknown> = {}
  if (people.length > 0) body[collection] = people
  if (result.nextPageToken) body.nextPageToken = result.nextPageToken
  else if (requestSyncToken || syncToken) {
    const next = state.newToken()
    state.syncTokens.set(next, { collection, revision: result.revision, paramsKey, issuedAt: state.clock(), expired: false })
    body.nextSyncToken = next
  }
  if (collection === 'connections') {
    body.totalPeople = result.total
    body.totalItems = result.total
  } else body.totalSize = result.total
  return body
}

// ---- Calendar ----

/** Parameters Google refuses together with syncToken ("cannot be specified together with syncToken"). */
const notWithSyncToken = ['iCalUID', 'orderBy', 'privateExtendedProperty', 'q', 'sharedExtendedProperty', 'timeMin', 'timeMax', 'updatedMin']

function rfc3339(q: URLSearchParams, name: string): number | undefined {
  const text = q.get(name)
  if (text === null) return undefined
  const value = Date.parse(text)
  if (Number.isNaN(value) || !/(Z|[+-]\d{2}:\d{2})$/i.test(text)) throw v1Error(400, 'badRequest', 'Bad Request', { location: name })
  return value
}

function startMs(event: Record<string, unknown>, which: 'start' | 'end'): number {
  const when = event[which] as { date?: string; dateTime?: string } | undefined
  return Date.parse(when?.dateTime ?? `${when?.date ?? '1970-01-01'}T00:00:00Z`)
}

/** A cancelled event as incremental syncs return it: identity and status only. */
function cancelledView(event: EventResource): Record<string, unknown> {
  return {
    kind: 'calendar#event',
    etag: event.etag,
    id: event.id,
    status: 'cancelled',
    ...(event.recurringEventId ? { recurringEventId: event.recurringEventId, originalStartTime: event.originalStartTime } : {}),
  }
}

/** Instances of a recurring master (RRULE only), exceptions replacing their instance, capped at 2500. */
function expand(state: GoogleFakeState, master: EventResource): EventResource[] {
  const rule = (master.recurrence as string[] | undefined)?.find((line) => line.startsWith('RRULE:'))
  const start = master.start as { date?: string; dateTime?: string; timeZone?: string }
  if (!rule) return [master]
  const zone = start.timeZone ? state.tenant.zones.get(start.timeZone) : undefined
  const first = start.date ? ICAL.Time.fromDateString(start.date) : ICAL.Time.fromDateTimeString(start.dateTime!.slice(0, 19), undefined)
  const begin = zone && !start.date ? new ICAL.Time({ year: first.year, month: first.month, day: first.day, hour: first.hour, minute: first.minute, second: first.second }, zone) : first
  const durationMs = startMs(master, 'end') - startMs(master, 'start')
  const iterator = ICAL.Recur.fromString(rule.slice('RRULE:'.length)).iterator(begin)
  const instances: EventResource[] = []
  for (let next = iterator.next(); next && instances.length < 2500; next = iterator.next()) {
    const id = `${master.id}_${instanceSuffix(next)}`
    const exception = state.tenant.events.get(id)
    if (exception) {
      if (!exception.deleted) instances.push(exception.resource)
      continue
    }
    const startTime = eventDateTime(next, state.tenant.calendar.timeZone)
    const endTime = next.clone()
    endTime.addDuration(ICAL.Duration.fromSeconds(durationMs / 1000))
    const instance: EventResource = { ...master, id, start: startTime, end: eventDateTime(endTime, state.tenant.calendar.timeZone), recurringEventId: master.id, originalStartTime: startTime }
    delete instance.recurrence
    instances.push(instance)
  }
  return instances
}

function listEvents(state: GoogleFakeState, calendarId: string, q: URLSearchParams): Record<string, unknown> {
  const tenant = state.tenant
  if (calendarId !== 'primary' && calendarId.toLowerCase() !== tenant.calendar.id.toLowerCase()) throw v1Error(404, 'notFound', 'Not Found')
  const maxResults = intParam('calendar', q, 'maxResults', 1, 2500, 250)
  const syncToken = q.get('syncToken')
  const singleEvents = boolParam(q, 'singleEvents')
  const showDeleted = boolParam(q, 'showDeleted')
  const orderBy = q.get('orderBy')
  if (orderBy !== null && orderBy !== 'startTime' && orderBy !== 'updated') throw invalidArgument('calendar', `Invalid value '${orderBy}' for orderBy.`, 'orderBy')
  if (orderBy === 'startTime' && !singleEvents) throw v1Error(400, 'badRequest', 'The requested ordering is not available for the particular query.')
  if (q.get('q') || q.get('iCalUID') || q.get('privateExtendedProperty') || q.get('sharedExtendedProperty')) {
    throw v1Error(400, 'invalid', 'The fake does not implement q, iCalUID or extended-property filters.')
  }
  let since: number | undefined
  if (syncToken) {
    const clash = notWithSyncToken.find((name) => q.get(name) !== null)
    if (clash) throw v1Error(400, 'invalid', `Parameter ${clash} cannot be specified together with syncToken.`, { location: clash })
    const record = state.syncTokens.get(syncToken)
    if (!record || record.collection !== 'events' || record.expired) {
      throw v1Error(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.')
    }
    since = record.revision
  }
  const timeMin = rfc3339(q, 'timeMin')
  const timeMax = rfc3339(q, 'timeMax')
  const updatedMin = rfc3339(q, 'updatedMin')
  const paramsKey = JSON.stringify([singleEvents, showDeleted, orderBy, timeMin, timeMax, updatedMin, syncToken])
  const listing = (): EventResource[] => {
    let tracked = [...tenant.events.values()]
    if (since !== undefined) tracked = tracked.filter((item) => item.revision > since)
    // updatedMin: deleted events since then are returned too, whatever showDeleted says (API reference).
    else tracked = tracked.filter((item) => !item.deleted || showDeleted || (updatedMin !== undefined && Date.parse(item.resource.updated) >= updatedMin))
    if (updatedMin !== undefined) tracked = tracked.filter((item) => Date.parse(item.resource.updated) >= updatedMin)
    let events: EventResource[] = []
    for (const item of tracked) {
      const event = item.resource
      if (item.deleted || event.status === 'cancelled') events.push(event)
      else if (singleEvents && event.recurrence) events.push(...expand(state, event))
      // Without singleEvents a modified instance (exception) is listed as an item of its own, next to its master.
      else events.push(event)
    }
    if (singleEvents) events = events.filter((event, index, all) => all.findIndex((other) => other.id === event.id) === index)
    if (timeMin !== undefined) events = events.filter((event) => event.status === 'cancelled' || startMs(event, 'end') > timeMin || (event.recurrence !== undefined && !singleEvents))
    if (timeMax !== undefined) events = events.filter((event) => event.status === 'cancelled' || startMs(event, 'start') < timeMax)
    if (orderBy === 'startTime') events.sort((a, b) => startMs(a, 'start') - startMs(b, 'start'))
    if (orderBy === 'updated') events.sort((a, b) => a.updated.localeCompare(b.updated))
    return events
  }
  let viewCache: EventResource[] | undefined
  const result = page(state, 'calendar', 'events', paramsKey, q.get('pageToken'), maxResults, () => {
    viewCache = listing()
    return { keys: viewCache.map((event) => event.id), revision: tenant.revision }
  })
  // Pages resolve ids against the current listing (instances are not stored).
  const viewOf = new Map((viewCache ?? listing()).map((event) => [event.id, event]))
  const items = result.keys.flatMap((id) => {
    const event = viewOf.get(id) ?? tenant.events.get(id)?.resource
    if (!event) return []
    return [event.status === 'cancelled' ? cancelledView(event) : event]
  })
  const body: Record<string, unknown> = {
    kind: 'calendar#events',
    etag: `"${tenant.clock() * 1000}"`,
    summary: tenant.calendar.summary,
    description: '',
    updated: tenant.now(),
    timeZone: tenant.calendar.timeZone,
    accessRole: 'owner',
    defaultReminders: [{ method: 'popup', minutes: 10 }],
  }
  if (result.nextPageToken) body.nextPageToken = result.nextPageToken
  else {
    const next = state.newToken()
    state.syncTokens.set(next, { collection: 'events', revision: result.revision, paramsKey: JSON.stringify([singleEvents]), issuedAt: state.clock(), expired: false })
    body.nextSyncToken = next
  }
  body.items = items
  return body
}
