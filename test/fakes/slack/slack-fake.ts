import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SlackMessage, SlackUser } from '../../../src/connectors/slack/raw.ts'
import { tsMinusSeconds } from '../../../src/connectors/slack/time.ts'
import { compareTs, type ConversationKind, type FakeConversation, type SlackWorkspace } from './workspace.ts'

/**
 * A fake Slack Web API over an in-memory workspace, for driving the real `@slack/web-api` WebClient
 * (`slackApiUrl: fake.url`). Shapes follow shared/datasets/sources/slack (java-slack-sdk skeletons)
 * and shared/docs/source-formats.md §1B; what is modelled and what is not is in README.md.
 */

export type SlackFault =
  /** HTTP 429 with an integer Retry-After and Slack's `{"ok":false,"error":"ratelimited"}` body. */
  | { type: 'rate_limited'; retryAfter: number }
  /** Any non-200 status (the SDK treats every one as a retryable WebAPIHTTPError). */
  | { type: 'http_error'; status: number; body?: string }
  /** TCP reset before any response byte. */
  | { type: 'reset' }
  /** The real response's headers with its full Content-Length, half the body, then the socket is destroyed. */
  | { type: 'truncated' }
  /** Never answers; the request is only ended by the client (timeout/abort) or by close(). */
  | { type: 'hang' }
  /** HTTP 200 `{ ok: false, error, ...extra }`. */
  | { type: 'error'; error: string; extra?: Record<string, unknown> }

export interface CallRecord {
  method: string
  /** Request parameters (query, form or JSON body) without `token`. */
  params: Record<string, string>
  httpMethod: string
  contentType: string
  /** 'ok', 'error:<code>', 'http:<status>' or 'fault:<type>', filled in when the call is answered. */
  outcome: string
}

/** `internal`: a customer-built app (no history limits). `non_marketplace`: the 2025 profile (15 per page, 1 call a minute). */
export type RateProfile = 'internal' | 'non_marketplace'

export interface SlackFakeOptions {
  workspace: SlackWorkspace
  /** Accepted bearer tokens (default ['xoxb-fake-token']). */
  tokens?: string[]
  /** Granted scopes, reported in X-OAuth-Scopes (default: every read scope the methods need). */
  scopes?: string[]
  /** The token's user (auth.test user_id); default: the first bot user of users.json. */
  authUserId?: string
  profile?: RateProfile
  /** users.list without `limit` answers `limit_required` above this many members (default 1000). */
  usersListLimitRequiredOver?: number
  /** Milliseconds since the epoch; default Date.now. Drives the non_marketplace 1-a-minute window. */
  clock?: () => number
  /** Milliseconds every answer waits before it is sent (a slow API, so a test can stop a sync midway). */
  latencyMs?: number
}

export const defaultScopes: readonly string[] = [
  'channels:read', 'groups:read', 'im:read', 'mpim:read',
  'channels:history', 'groups:history', 'im:history', 'mpim:history',
  'users:read', 'users:read.email', 'team:read',
]

interface PendingFault {
  method: string
  fault: SlackFault
  remaining: number
}

interface PendingRepeat {
  method: string
  /** Pages of the method still to serve before the one that is delivered twice. */
  pagesBefore: number
}

export class SlackFakeState {
  readonly workspace: SlackWorkspace
  readonly tokens: Set<string>
  scopes: Set<string>
  authUserId: string
  profile: RateProfile
  usersListLimitRequiredOver: number
  latencyMs: number
  readonly clock: () => number
  readonly calls: CallRecord[] = []
  /**
   * Overlapping windows: conversations.history and conversations.replies answer as if `oldest` were
   * this many seconds earlier, so a read hands out again messages the client's window had left behind.
   */
  oldestOverlapSeconds = 0
  private faults: PendingFault[] = []
  private repeats: PendingRepeat[] = []
  private replayCount = 0
  private readonly pageSizeCaps = new Map<string, number>()
  private readonly lastThrottledCall = new Map<string, number>()

  constructor(options: SlackFakeOptions) {
    this.workspace = options.workspace
    this.tokens = new Set(options.tokens ?? ['xoxb-fake-token'])
    this.scopes = new Set(options.scopes ?? defaultScopes)
    const users = [...options.workspace.users.values()]
    this.authUserId = options.authUserId ?? users.find((user) => user.is_bot === true)?.id ?? users[0]?.id ?? 'U00000000'
    this.profile = options.profile ?? 'internal'
    this.usersListLimitRequiredOver = options.usersListLimitRequiredOver ?? 1000
    this.clock = options.clock ?? Date.now
    this.latencyMs = options.latencyMs ?? 0
  }

  /** The next `times` calls of `method` ('*' = any method) meet `fault`; faults queue in order. */
  inject(method: string, fault: SlackFault, times = 1): void {
    this.faults.push({ method, fault, remaining: times })
  }

  /** Every call of `method` ('*' = all) answers 429 until clearFaults(). */
  storm(method: string, retryAfter: number): void {
    this.inject(method, { type: 'rate_limited', retryAfter }, Number.POSITIVE_INFINITY)
  }

  clearFaults(): void {
    this.faults = []
    this.repeats = []
  }

  /**
   * Pages of `method` ('*' = every paged method) hold at most `size` items, whatever `limit` asks:
   * Slack documents that a page may hold fewer than the limit. A way to make a listing many pages long.
   */
  capPageSize(method: string, size: number): void {
    this.pageSizeCaps.set(method, size)
  }

  /**
   * Duplicate delivery, once: the `page`-th page `method` serves from now on (1 = the next one) is
   * followed by that same page again, because its `next_cursor` leads back to the page's start under a
   * cursor never handed out before — what a cursor over a list that shifted, or a retried request
   * whose first answer the client never saw, gives a client. Then the listing goes on as usual.
   */
  repeatPage(method: string, page = 1): void {
    this.repeats.push({ method, pagesBefore: page - 1 })
  }

  /** repeatPage switches not yet spent (their page has not been served yet). */
  get pendingRepeats(): number {
    return this.repeats.length
  }

  /** @internal the page size for a call of `method` that asked for `limit`. */
  pageSize(method: string, limit: number): number {
    const cap = this.pageSizeCaps.get(method) ?? this.pageSizeCaps.get('*')
    return cap === undefined ? limit : Math.min(cap, limit)
  }

  /** @internal called once per page `method` serves; a replay tag when this page is to come again. */
  takeRepeat(method: string): string | undefined {
    const pending = this.repeats.find((candidate) => candidate.method === method || candidate.method === '*')
    if (!pending) return undefined
    if (pending.pagesBefore > 0) {
      pending.pagesBefore -= 1
      return undefined
    }
    this.repeats = this.repeats.filter((candidate) => candidate !== pending)
    this.replayCount += 1
    return `~replay${this.replayCount}`
  }

  callsOf(method: string): CallRecord[] {
    return this.calls.filter((call) => call.method === method)
  }

  /** @internal the server takes the fault for a call. */
  takeFault(method: string): SlackFault | undefined {
    const pending = this.faults.find((candidate) => candidate.remaining > 0 && (candidate.method === '*' || candidate.method === method))
    if (!pending) return undefined
    pending.remaining -= 1
    this.faults = this.faults.filter((candidate) => candidate.remaining > 0)
    return pending.fault
  }

  /** @internal seconds to wait when a 1-a-minute method was called less than a minute ago, else undefined. */
  throttle(method: string): number | undefined {
    const now = this.clock()
    const last = this.lastThrottledCall.get(method)
    if (last !== undefined && now - last < 60_000) return Math.ceil((60_000 - (now - last)) / 1000)
    this.lastThrottledCall.set(method, now)
    return undefined
  }
}

export interface SlackFake {
  /** Base URL for `new WebClient(token, { slackApiUrl })`; ends with /api/. */
  url: string
  state: SlackFakeState
  close(): Promise<void>
}

export async function startSlackFake(options: SlackFakeOptions): Promise<SlackFake> {
  const state = new SlackFakeState(options)
  const server = createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { ok: false, error: 'fatal_error', detail: String(error) }, state)
      else response.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api/`,
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

class SlackApiError extends Error {
  readonly code: string
  readonly extra: Record<string, unknown>
  constructor(code: string, extra: Record<string, unknown> = {}) {
    super(code)
    this.code = code
    this.extra = extra
  }
}

interface Answer {
  body: Record<string, unknown>
  /** Scopes the method accepts (X-Accepted-OAuth-Scopes). */
  accepted: readonly string[]
}

async function handle(state: SlackFakeState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1')
  const match = /^\/api\/([A-Za-z0-9._-]+)$/.exec(url.pathname)
  const rawBody = await readBody(request)
  if (!match?.[1]) {
    send(response, 404, { ok: false, error: 'unknown_method' }, state)
    return
  }
  const method = match[1]
  const contentType = request.headers['content-type'] ?? ''
  const params = parseParams(url, contentType, rawBody)
  const token = bearer(request.headers.authorization) ?? params.token
  delete params.token
  const call: CallRecord = { method, params, httpMethod: request.method ?? '', contentType, outcome: '' }
  state.calls.push(call)
  if (state.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, state.latencyMs))

  const fault = state.takeFault(method)
  if (fault && fault.type !== 'truncated') {
    call.outcome = `fault:${fault.type}`
    applyFault(fault, request, response, state)
    return
  }

  let status = 200
  let answer: Answer
  try {
    if (!token) throw new SlackApiError('not_authed')
    if (!state.tokens.has(token)) throw new SlackApiError('invalid_auth')
    const handler = methods[method]
    if (!handler) {
      status = 404
      throw new SlackApiError('unknown_method', { req_method: method })
    }
    if (state.profile === 'non_marketplace' && throttledMethods.has(method)) {
      const retryAfter = state.throttle(method)
      if (retryAfter !== undefined) {
        call.outcome = 'http:429'
        send(response, 429, { ok: false, error: 'ratelimited' }, state, { 'Retry-After': String(retryAfter) })
        return
      }
    }
    answer = handler(state, params)
  } catch (error) {
    if (!(error instanceof SlackApiError)) throw error
    answer = { body: { ok: false, error: error.code, ...error.extra }, accepted: [] }
  }
  call.outcome = status !== 200 ? `http:${status}` : answer.body.ok === true ? 'ok' : `error:${String(answer.body.error)}`
  if (fault?.type === 'truncated') {
    call.outcome = 'fault:truncated'
    const bytes = Buffer.from(JSON.stringify(answer.body))
    response.writeHead(200, { ...baseHeaders(state, answer.accepted), 'Content-Length': String(bytes.length) })
    response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.socket?.destroy())
    return
  }
  send(response, status, answer.body, state, {}, answer.accepted)
}

function applyFault(fault: Exclude<SlackFault, { type: 'truncated' }>, request: IncomingMessage, response: ServerResponse, state: SlackFakeState): void {
  switch (fault.type) {
    case 'rate_limited':
      send(response, 429, { ok: false, error: 'ratelimited' }, state, { 'Retry-After': String(fault.retryAfter) })
      return
    case 'http_error':
      response.writeHead(fault.status, { 'Content-Type': 'text/html; charset=utf-8' })
      response.end(fault.body ?? `<html><body>${fault.status}</body></html>`)
      return
    case 'reset':
      request.socket.resetAndDestroy()
      return
    case 'hang':
      return
    case 'error':
      send(response, 200, { ok: false, error: fault.error, ...fault.extra }, state)
      return
  }
}

function baseHeaders(state: SlackFakeState, accepted: readonly string[]): Record<string, string> {
  return {
    'Content-Type': 'application/json; charset=utf-8',
    'X-OAuth-Scopes': [...state.scopes].join(','),
    'X-Accepted-OAuth-Scopes': accepted.join(','),
    'X-Slack-Req-Id': randomUUID().replaceAll('-', ''),
  }
}

function send(response: ServerResponse, status: number, body: Record<string, unknown>, state: SlackFakeState, headers: Record<string, string> = {}, accepted: readonly string[] = []): void {
  const bytes = Buffer.from(JSON.stringify(body))
  response.writeHead(status, { ...baseHeaders(state, accepted), ...headers, 'Content-Length': String(bytes.length) })
  response.end(bytes)
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Query string plus a form or JSON body; JSON values that are not strings are kept as JSON text. */
function parseParams(url: URL, contentType: string, body: string): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(url.searchParams)
  if (contentType.startsWith('application/json') && body.trim() !== '') {
    const parsed = JSON.parse(body) as unknown
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        if (value !== undefined && value !== null) params[key] = typeof value === 'string' ? value : JSON.stringify(value)
      }
    }
  } else if (body !== '') {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body)))
  }
  return params
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}

// --- Methods ---------------------------------------------------------------------------------------

type Handler = (state: SlackFakeState, params: Record<string, string>) => Answer

const throttledMethods: ReadonlySet<string> = new Set(['conversations.history', 'conversations.replies'])

const readScopeOf: Record<ConversationKind, string> = {
  public_channel: 'channels:read',
  private_channel: 'groups:read',
  mpim: 'mpim:read',
  im: 'im:read',
}
const historyScopeOf: Record<ConversationKind, string> = {
  public_channel: 'channels:history',
  private_channel: 'groups:history',
  mpim: 'mpim:history',
  im: 'im:history',
}

const methods: Record<string, Handler> = {
  'auth.test': (state) => {
    const { team } = state.workspace
    const user = state.workspace.users.get(state.authUserId)
    const botId = user?.profile?.bot_id
    return {
      accepted: [],
      body: {
        ok: true,
        url: `https://${team.domain}.slack.com/`,
        team: team.name,
        user: user?.name ?? state.authUserId,
        team_id: team.id,
        user_id: state.authUserId,
        ...(typeof botId === 'string' ? { bot_id: botId } : {}),
        ...(team.enterprise_id ? { enterprise_id: team.enterprise_id } : {}),
        is_enterprise_install: false,
      },
    }
  },

  'team.info': (state) => {
    requireScopes(state, ['team:read'])
    const { team } = state.workspace
    const icon = (size: string): string => `https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-${size}.png`
    return {
      accepted: ['team:read'],
      body: {
        ok: true,
        team: {
          id: team.id,
          name: team.name,
          url: `https://${team.domain}.slack.com/`,
          domain: team.domain,
          email_domain: team.email_domain,
          icon: { image_default: true, image_34: icon('34'), image_44: icon('44'), image_68: icon('68'), image_88: icon('88'), image_102: icon('102'), image_132: icon('132'), image_230: icon('230') },
          avatar_base_url: 'https://ca.slack-edge.com/',
          is_verified: false,
          ...(team.enterprise_id ? { enterprise_id: team.enterprise_id } : {}),
        },
      },
    }
  },

  'users.list': (state, params) => {
    requireScopes(state, ['users:read'])
    const members = [...state.workspace.users.values()]
    const limit = optionalInt(params.limit) ?? 0
    if (limit <= 0 && params.cursor === undefined && members.length > state.usersListLimitRequiredOver) throw new SlackApiError('limit_required')
    const page = pageByKey(state, 'users.list', members, (user) => user.id, 'user', params.cursor, limit > 0 ? limit : members.length)
    return {
      accepted: ['users:read'],
      body: {
        ok: true,
        members: page.items.map((user) => presentUser(state, user, params)),
        cache_ts: Math.floor(state.clock() / 1000),
        response_metadata: { next_cursor: page.nextCursor },
      },
    }
  },

  'users.info': (state, params) => {
    requireScopes(state, ['users:read'])
    const id = requireParam(params, 'user')
    const user = state.workspace.users.get(id) ?? state.workspace.externalUsers.get(id)
    if (!user) throw new SlackApiError('user_not_found')
    return { accepted: ['users:read'], body: { ok: true, user: presentUser(state, user, params) } }
  },

  'conversations.list': (state, params) => {
    const types = (params.types ?? 'public_channel').split(',').map((type) => type.trim()).filter((type) => type !== '')
    const unknown = types.filter((type) => !(type in readScopeOf))
    if (unknown.length > 0) throw new SlackApiError('invalid_types', { response_metadata: { messages: [`[ERROR] invalid type: ${unknown.join(',')}`] } })
    const kinds = types as ConversationKind[]
    requireScopes(state, kinds.map((kind) => readScopeOf[kind]))
    const excludeArchived = booleanParam(params.exclude_archived)
    // Slack filters types and archived channels AFTER cutting the page: pages can be short, even
    // empty, while next_cursor is still set. Only the cursor says whether the list is over.
    const page = pageByKey(state, 'conversations.list', [...state.workspace.conversations.values()], (conversation) => conversation.id, 'team', params.cursor, clampLimit(params.limit, 100, 1000))
    const channels = page.items
      .filter((conversation) => kinds.includes(conversation.kind) && !(excludeArchived && conversation.record.is_archived === true))
      .map((conversation) => presentConversation(state, conversation))
    return { accepted: kinds.map((kind) => readScopeOf[kind]), body: { ok: true, channels, response_metadata: { next_cursor: page.nextCursor } } }
  },

  'conversations.info': (state, params) => {
    const conversation = requireConversation(state, params)
    requireScopes(state, [readScopeOf[conversation.kind]])
    return { accepted: [readScopeOf[conversation.kind]], body: { ok: true, channel: presentConversation(state, conversation) } }
  },

  'conversations.members': (state, params) => {
    const conversation = requireConversation(state, params)
    requireScopes(state, [readScopeOf[conversation.kind]])
    const page = pageByKey(state, 'conversations.members', conversation.members, (id) => id, 'user', params.cursor, clampLimit(params.limit, 100, 1000))
    return { accepted: [readScopeOf[conversation.kind]], body: { ok: true, members: page.items, response_metadata: { next_cursor: page.nextCursor } } }
  },

  'conversations.history': (state, params) => {
    const conversation = requireConversation(state, params)
    requireScopes(state, [historyScopeOf[conversation.kind]])
    const window = timeWindow(params, state.oldestOverlapSeconds)
    // History lists top-level messages and the thread_broadcast copies of replies, newest first.
    const candidates = conversation.messages
      .filter((message) => !message.thread_ts || message.thread_ts === message.ts || message.subtype === 'thread_broadcast')
      .filter(window)
      .reverse()
    const limit = state.pageSize('conversations.history', historyLimit(state, params.limit, 100, 999))
    const start = cursorTsStart(params.cursor, candidates, (ts, cursorTs) => compareTs(ts, cursorTs) <= 0)
    const items = candidates.slice(start, start + limit)
    const next = candidates[start + limit]
    const replay = items[0] === undefined ? undefined : state.takeRepeat('conversations.history')
    return {
      accepted: [historyScopeOf[conversation.kind]],
      body: {
        ok: true,
        ...(params.oldest !== undefined ? { oldest: params.oldest } : {}),
        ...(params.latest !== undefined ? { latest: params.latest } : {}),
        messages: items,
        has_more: next !== undefined || replay !== undefined,
        pin_count: 0,
        channel_actions_ts: null,
        channel_actions_count: 0,
        response_metadata: { next_cursor: replay && items[0] ? encodeCursor(`next_ts:${items[0].ts.replace('.', '')}${replay}`) : next ? encodeCursor(`next_ts:${next.ts.replace('.', '')}`) : '' },
      },
    }
  },

  'conversations.replies': (state, params) => {
    const conversation = requireConversation(state, params)
    requireScopes(state, [historyScopeOf[conversation.kind]])
    const ts = requireParam(params, 'ts')
    const message = conversation.messages.find((candidate) => candidate.ts === ts)
    if (!message) throw new SlackApiError('thread_not_found')
    const threadTs = message.thread_ts ?? message.ts
    const parent = conversation.messages.find((candidate) => candidate.ts === threadTs) ?? message
    const replies = conversation.messages.filter((candidate) => candidate.thread_ts === threadTs && candidate.ts !== threadTs).filter(timeWindow(params, state.oldestOverlapSeconds))
    // The parent leads the first page whatever the window; later pages hold replies only.
    const sequence: SlackMessage[] = params.cursor === undefined ? [parent, ...replies] : replies
    const limit = historyLimit(state, params.limit, 1000, 1000)
    const start = cursorTsStart(params.cursor, sequence, (candidate, cursorTs) => compareTs(candidate, cursorTs) >= 0)
    const items = sequence.slice(start, start + limit)
    const next = sequence[start + limit]
    return {
      accepted: [historyScopeOf[conversation.kind]],
      body: {
        ok: true,
        messages: items,
        has_more: next !== undefined,
        response_metadata: { next_cursor: next ? encodeCursor(`next_ts:${next.ts.replace('.', '')}`) : '' },
      },
    }
  },
}

// --- Presentation ----------------------------------------------------------------------------------

function presentUser(state: SlackFakeState, user: SlackUser, params: Record<string, string>): SlackUser {
  // Without users:read.email Slack leaves profile.email out (no error).
  const { email, ...profileWithoutEmail } = user.profile ?? {}
  const profile = state.scopes.has('users:read.email') && email !== undefined ? { ...profileWithoutEmail, email } : profileWithoutEmail
  return { ...user, profile, ...(booleanParam(params.include_locale) ? { locale: 'en-US' } : {}) }
}

function presentConversation(state: SlackFakeState, conversation: FakeConversation): Record<string, unknown> {
  const { record, kind } = conversation
  const teamId = state.workspace.team.id
  if (kind === 'im') {
    const other = conversation.members.find((id) => id !== state.authUserId) ?? conversation.members[0] ?? ''
    return {
      id: conversation.id,
      created: Number(record.created ?? 0),
      is_archived: record.is_archived === true,
      is_im: true,
      is_org_shared: false,
      context_team_id: teamId,
      updated: conversation.updatedMs,
      user: other,
      is_user_deleted: state.workspace.users.get(other)?.deleted === true,
      priority: 0,
    }
  }
  const legacyGroup = conversation.id.startsWith('G')
  const name = record.name ?? conversation.id
  return {
    id: conversation.id,
    name,
    is_channel: !legacyGroup,
    is_group: legacyGroup,
    is_im: false,
    is_mpim: kind === 'mpim',
    is_private: kind !== 'public_channel',
    created: Number(record.created ?? 0),
    is_archived: record.is_archived === true,
    is_general: record.is_general === true,
    unlinked: 0,
    name_normalized: name,
    is_shared: false,
    is_org_shared: false,
    is_ext_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: teamId,
    updated: conversation.updatedMs,
    parent_conversation: null,
    creator: record.creator ?? '',
    is_member: true,
    shared_team_ids: [teamId],
    pending_connected_team_ids: [],
    topic: normaliseTopic(record.topic),
    purpose: normaliseTopic(record.purpose),
    previous_names: [],
    num_members: conversation.members.length,
    // Slack Connect flags (is_shared, shared_team_ids, conversation_host_id, …) as the export has them.
    ...withoutExportOnly(record),
  }
}

function withoutExportOnly(record: Record<string, unknown>): Record<string, unknown> {
  const exportOnly = new Set(['members', 'topic', 'purpose', 'created', 'is_archived'])
  return Object.fromEntries(Object.entries(record).filter(([key]) => !exportOnly.has(key)))
}

function normaliseTopic(topic: { value?: string | null; creator?: string | null; last_set?: string | number | null } | null | undefined): Record<string, unknown> {
  return { value: topic?.value ?? '', creator: topic?.creator ?? '', last_set: Number(topic?.last_set ?? 0) }
}

// --- Parameters and paging -------------------------------------------------------------------------

function requireScopes(state: SlackFakeState, needed: readonly string[]): void {
  const missing = [...new Set(needed)].filter((scope) => !state.scopes.has(scope))
  if (missing.length > 0) throw new SlackApiError('missing_scope', { needed: missing.join(','), provided: [...state.scopes].join(',') })
}

function requireParam(params: Record<string, string>, name: string): string {
  const value = params[name]
  if (value === undefined || value === '') {
    throw new SlackApiError('invalid_arguments', { response_metadata: { messages: [`[ERROR] missing required field: ${name}`] } })
  }
  return value
}

function requireConversation(state: SlackFakeState, params: Record<string, string>): FakeConversation {
  const conversation = state.workspace.conversations.get(requireParam(params, 'channel'))
  if (!conversation) throw new SlackApiError('channel_not_found')
  return conversation
}

function optionalInt(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const parsed = Number.parseInt(value, 10)
  return Number.isNaN(parsed) ? undefined : parsed
}

function clampLimit(value: string | undefined, fallback: number, max: number): number {
  const limit = optionalInt(value)
  return limit === undefined || limit <= 0 ? fallback : Math.min(limit, max)
}

function historyLimit(state: SlackFakeState, value: string | undefined, fallback: number, max: number): number {
  return state.profile === 'non_marketplace' ? clampLimit(value, 15, 15) : clampLimit(value, fallback, max)
}

function booleanParam(value: string | undefined): boolean {
  return value === 'true' || value === '1'
}

/**
 * oldest/latest bound the window exclusively unless inclusive is set; latest defaults to "now" in
 * Slack but to no bound here, so generated messages dated in the future stay visible. `overlapSeconds`
 * moves oldest earlier (state.oldestOverlapSeconds).
 */
function timeWindow(params: Record<string, string>, overlapSeconds = 0): (message: SlackMessage) => boolean {
  const asked = tsParam(params.oldest, 'invalid_ts_oldest')
  const oldest = asked === undefined || overlapSeconds === 0 ? asked : tsMinusSeconds(asked, overlapSeconds)
  const latest = tsParam(params.latest, 'invalid_ts_latest')
  const inclusive = booleanParam(params.inclusive)
  return (message) => {
    if (oldest !== undefined) {
      const order = compareTs(message.ts, oldest)
      if (order < 0 || (order === 0 && !inclusive)) return false
    }
    if (latest !== undefined) {
      const order = compareTs(message.ts, latest)
      if (order > 0 || (order === 0 && !inclusive)) return false
    }
    return true
  }
}

function tsParam(value: string | undefined, error: string): string | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^\d+(\.\d+)?$/.test(value)) throw new SlackApiError(error)
  return value
}

function encodeCursor(text: string): string {
  return Buffer.from(text).toString('base64')
}

/** The key a cursor names; a replay tag (state.repeatPage) after it only makes the cursor new. */
function decodeCursor(cursor: string, prefix: string): string {
  const text = /^[A-Za-z0-9+/]+=*$/.test(cursor) ? Buffer.from(cursor, 'base64').toString('utf8').replace(/~replay\d+$/, '') : ''
  if (!text.startsWith(`${prefix}:`) || text.length === prefix.length + 1) throw new SlackApiError('invalid_cursor')
  return text.slice(prefix.length + 1)
}

/** Key-based pages: the cursor names the first item of the next page, like Slack's "user:U…" cursors. */
function pageByKey<T>(
  state: SlackFakeState,
  method: string,
  items: readonly T[],
  keyOf: (item: T) => string,
  prefix: string,
  cursor: string | undefined,
  asked: number,
): { items: T[]; nextCursor: string } {
  let start = 0
  if (cursor !== undefined && cursor !== '') {
    const key = decodeCursor(cursor, prefix)
    start = items.findIndex((item) => keyOf(item) === key)
    if (start === -1) throw new SlackApiError('invalid_cursor')
  }
  const limit = state.pageSize(method, asked)
  const first = items[start]
  const replay = first === undefined ? undefined : state.takeRepeat(method)
  if (replay !== undefined && first !== undefined) return { items: items.slice(start, start + limit), nextCursor: encodeCursor(`${prefix}:${keyOf(first)}${replay}`) }
  const next = items[start + limit]
  return { items: items.slice(start, start + limit), nextCursor: next === undefined ? '' : encodeCursor(`${prefix}:${keyOf(next)}`) }
}

/** Index of the first message at or past the cursor's ts ("next_ts:1512085861000543"). */
function cursorTsStart(cursor: string | undefined, messages: readonly SlackMessage[], atOrPast: (ts: string, cursorTs: string) => boolean): number {
  if (cursor === undefined || cursor === '') return 0
  const digits = decodeCursor(cursor, 'next_ts')
  if (!/^\d{7,}$/.test(digits)) throw new SlackApiError('invalid_cursor')
  const cursorTs = `${digits.slice(0, -6)}.${digits.slice(-6)}`
  const index = messages.findIndex((message) => atOrPast(message.ts, cursorTs))
  return index === -1 ? messages.length : index
}
