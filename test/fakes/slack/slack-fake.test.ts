import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ErrorCode, LogLevel, WebClient, WebClientEvent } from '@slack/web-api'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runCliProcess } from '../../support/run-cli.ts'
import { startSlackFake, type SlackFake, type SlackFakeOptions } from './slack-fake.ts'
import { archiveConversation, loadSlackWorkspace, postMessage, postReply, upsertUser } from './workspace.ts'

interface ExportMessage {
  ts: string
  thread_ts?: string
  subtype?: string
  reply_count?: number
  latest_reply?: string
  [field: string]: unknown
}
interface ExportChannel {
  id: string
  name?: string
  members: string[]
}

type Json = Record<string, unknown>
/** client.paginate yields untyped WebAPICallResult pages. */
const body = (page: object): Json => page as Json

const token = 'xoxb-fake-token'
let work: string
let exportDir: string
let fake: SlackFake | undefined

/** The export read straight from its files, independently of the fake's loader. */
function readExport<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(exportDir, file), 'utf8')) as T
}
function exportMessages(folder: string): ExportMessage[] {
  return readdirSync(path.join(exportDir, folder))
    .sort()
    .flatMap((day) => readExport<ExportMessage[]>(path.join(folder, day)))
}
const isHistoryMessage = (message: ExportMessage): boolean => !message.thread_ts || message.thread_ts === message.ts || message.subtype === 'thread_broadcast'

async function start(options: Partial<SlackFakeOptions> = {}): Promise<SlackFake> {
  fake = await startSlackFake({ workspace: await loadSlackWorkspace(exportDir), ...options })
  return fake
}
/** No retries unless a test asks (the default policy is ten retries over ~30 minutes); SDK warnings muted. */
function client(options: ConstructorParameters<typeof WebClient>[1] = {}, withToken = token): WebClient {
  if (!fake) throw new Error('start the fake first')
  return new WebClient(withToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR, ...options })
}
async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; data?: Json; retryAfter?: number; statusCode?: number; original?: Error }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected the call to fail')
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'slack-fake-'))
  const generated = await runCliProcess(['generate', path.join(work, 'company'), '--people', '200', '--seed', '1'], { cwd: work })
  expect({ code: generated.code, stderr: generated.stderr }).toEqual({ code: 0, stderr: '' })
  exportDir = path.join(work, 'company', 'slack')
})
afterEach(async () => {
  await fake?.close()
  fake = undefined
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('Slack fake: workspace data through the real WebClient', () => {
  it('users.list pages with client.paginate give exactly the export users, with the "" terminator', async () => {
    await start()
    const cursors: string[] = []
    const ids: string[] = []
    for await (const page of client().paginate('users.list', { limit: 7 })) {
      ids.push(...(body(page).members as { id: string }[]).map((member) => member.id))
      cursors.push(String((page.response_metadata as { next_cursor?: string }).next_cursor))
    }
    const users = readExport<{ id: string; profile: { email?: string } }[]>('users.json')
    expect(ids).toEqual(users.map((user) => user.id))
    expect(cursors.length).toBe(Math.ceil(users.length / 7))
    expect(cursors.at(-1)).toBe('')
    expect(cursors.slice(0, -1).every((cursor) => cursor !== '' && Buffer.from(cursor, 'base64').toString().startsWith('user:'))).toBe(true)
    expect(fake?.state.callsOf('users.list').map((call) => call.params.limit)).toEqual(cursors.map(() => '7'))

    const first = await client().users.list({ limit: 1 })
    expect(first.members?.[0]).toEqual(users[0])
    expect(first.response_metadata?.scopes).toContain('users:read.email')
  })

  it('users.list: e-mail left out without users:read.email, missing_scope without users:read, limit_required, invalid_cursor', async () => {
    await start({ scopes: ['users:read'], usersListLimitRequiredOver: 10 })
    const page = await client().users.list({ limit: 50 })
    expect(page.members?.length).toBeGreaterThan(10)
    expect(page.members?.every((member) => member.profile?.email === undefined)).toBe(true)
    expect((await failure(client().users.list({}))).data?.error).toBe('limit_required')
    expect((await failure(client().users.list({ limit: 5, cursor: 'garbage!' }))).data?.error).toBe('invalid_cursor')
    expect((await failure(client().users.list({ limit: 5, cursor: Buffer.from('user:UNOBODY').toString('base64') }))).data?.error).toBe('invalid_cursor')

    fake!.state.scopes = new Set(['channels:read'])
    const error = await failure(client().users.list({ limit: 5 }))
    expect(error.code).toBe(ErrorCode.PlatformError)
    expect(error.data).toMatchObject({ ok: false, error: 'missing_scope', needed: 'users:read', provided: 'channels:read' })
  })

  it('conversations.list pages every type to exactly the export channel files, with Slack\'s type flags', async () => {
    await start()
    const channels: Record<string, unknown>[] = []
    for await (const page of client().paginate('conversations.list', { types: 'public_channel,private_channel,mpim,im', limit: 5 })) {
      channels.push(...(body(page).channels as Record<string, unknown>[]))
    }
    const files = ['channels.json', 'groups.json', 'mpims.json', 'dms.json'].map((file) => readExport<ExportChannel[]>(file))
    expect(channels.map((channel) => channel.id)).toEqual(files.flat().map((channel) => channel.id))
    const byId = new Map(channels.map((channel) => [channel.id, channel]))
    const [publicChannels = [], privateChannels = [], mpims = [], dms = []] = files
    for (const channel of publicChannels) expect(byId.get(channel.id)).toMatchObject({ name: channel.name, is_channel: true, is_private: false, is_im: false, is_mpim: false, num_members: new Set(channel.members).size })
    for (const channel of privateChannels) expect(byId.get(channel.id)).toMatchObject({ is_private: true, is_mpim: false, is_im: false })
    for (const channel of mpims) expect(byId.get(channel.id)).toMatchObject({ is_mpim: true, is_private: true, name: channel.name })
    for (const channel of dms) expect(byId.get(channel.id)).toMatchObject({ is_im: true, user: expect.stringMatching(/^U/) })
    const shared = publicChannels.find((channel) => channel.name?.startsWith('ext-'))
    expect(byId.get(shared?.id)).toMatchObject({ is_ext_shared: true, shared_team_ids: [expect.any(String), expect.any(String)] })

    const defaultTypes = await client().paginate('conversations.list', { limit: 1000 }, () => false, (all: string[] = [], page) => [...all, ...(body(page).channels as { id: string }[]).map((c) => c.id)])
    expect(defaultTypes).toEqual(publicChannels.map((channel) => channel.id))
  })

  it('conversations.list: exclude_archived, short pages with a cursor, and missing_scope per requested type', async () => {
    await start({ scopes: ['channels:read'] })
    const [general, random] = readExport<ExportChannel[]>('channels.json')
    archiveConversation(fake!.state.workspace, random!.id, Date.now())
    const page = await client().conversations.list({ limit: 2, exclude_archived: true })
    // Slack cuts the page first and filters after: one channel, yet more to come.
    expect(page.channels?.map((channel) => channel.id)).toEqual([general!.id])
    expect(page.response_metadata?.next_cursor).not.toBe('')
    const withArchived = await client().conversations.list({ limit: 2 })
    expect(withArchived.channels?.[1]).toMatchObject({ id: random!.id, is_archived: true })
    const error = await failure(client().conversations.list({ types: 'public_channel,private_channel,im' }))
    expect(error.data).toMatchObject({ error: 'missing_scope', needed: 'groups:read,im:read' })
  })

  it('conversations.members pages to the channel members of the export', async () => {
    await start()
    const general = readExport<ExportChannel[]>('channels.json')[0]!
    const members: string[] = []
    for await (const page of client().paginate('conversations.members', { channel: general.id, limit: 4 })) members.push(...(body(page).members as string[]))
    expect(members).toEqual(general.members)
    expect((await failure(client().conversations.members({ channel: 'CNOPE' }))).data?.error).toBe('channel_not_found')
  })

  it('conversations.history pages newest first over exactly the export\'s top-level messages and broadcasts', async () => {
    await start()
    const channels = readExport<ExportChannel[]>('channels.json')
    const [channel, messages] = channels
      .map((candidate) => [candidate, exportMessages(candidate.name!).filter(isHistoryMessage)] as const)
      .sort((a, b) => b[1].length - a[1].length)[0]!
    expect(messages.length).toBeGreaterThan(12)
    const served: ExportMessage[] = []
    const pages: { has_more: unknown; size: number }[] = []
    for await (const page of client().paginate('conversations.history', { channel: channel.id, limit: 5 })) {
      served.push(...(body(page).messages as ExportMessage[]))
      pages.push({ has_more: body(page).has_more, size: (body(page).messages as unknown[]).length })
    }
    expect(served).toEqual([...messages].reverse())
    expect(pages.slice(0, -1).every((page) => page.has_more === true && page.size === 5)).toBe(true)
    expect(pages.at(-1)?.has_more).toBe(false)
    expect(served.some((message) => message.subtype === 'thread_broadcast') || served.some((message) => (message.reply_count ?? 0) > 0)).toBe(true)

    // oldest is exclusive unless inclusive=true; latest likewise.
    const pivot = messages[messages.length - 4]!
    const after = await client().conversations.history({ channel: channel.id, oldest: pivot.ts })
    expect(after.messages?.map((message) => message.ts)).toEqual(messages.slice(-3).map((message) => message.ts).reverse())
    const from = await client().conversations.history({ channel: channel.id, oldest: pivot.ts, inclusive: true })
    expect(from.messages?.map((message) => message.ts)).toEqual(messages.slice(-4).map((message) => message.ts).reverse())
    const between = await client().conversations.history({ channel: channel.id, oldest: messages[0]!.ts, latest: messages[2]!.ts, inclusive: true })
    expect(between.messages?.map((message) => message.ts)).toEqual([messages[2]!.ts, messages[1]!.ts, messages[0]!.ts])
    const exclusive = await client().conversations.history({ channel: channel.id, oldest: messages[0]!.ts, latest: messages[2]!.ts })
    expect(exclusive.messages?.map((message) => message.ts)).toEqual([messages[1]!.ts])
    expect(exclusive.has_more).toBe(false)
    expect((await failure(client().conversations.history({ channel: channel.id, oldest: 'yesterday' }))).data?.error).toBe('invalid_ts_oldest')
  })

  it('conversations.replies: the parent then its replies in ts order, paged; a reply ts finds its thread', async () => {
    await start()
    const channels = [...readExport<ExportChannel[]>('channels.json'), ...readExport<ExportChannel[]>('groups.json')]
    const threads = channels.flatMap((channel) => {
      const messages = exportMessages(channel.name!)
      return messages.filter((message) => (message.reply_count ?? 0) > 0).map((parent) => ({ channel, parent, thread: messages.filter((message) => message.thread_ts === parent.ts) }))
    })
    const { channel, parent, thread } = threads.sort((a, b) => b.thread.length - a.thread.length)[0]!
    expect(thread[0]).toEqual(parent)
    expect(parent.reply_count).toBe(thread.length - 1)
    expect(parent.latest_reply).toBe(thread.at(-1)!.ts)
    const served: ExportMessage[] = []
    for await (const page of client().paginate('conversations.replies', { channel: channel.id, ts: parent.ts, limit: 2 })) served.push(...(body(page).messages as ExportMessage[]))
    expect(served).toEqual(thread)
    const viaReply = await client().conversations.replies({ channel: channel.id, ts: thread[1]!.ts, oldest: thread[1]!.ts })
    // The parent leads even when the window excludes it.
    expect(viaReply.messages?.map((message) => message.ts)).toEqual([parent.ts, ...thread.slice(2).map((message) => message.ts)])
    expect((await failure(client().conversations.replies({ channel: channel.id, ts: '1.000001' }))).data?.error).toBe('thread_not_found')
  })

  it('auth.test, team.info and users.info on a Slack Connect user of a foreign team', async () => {
    await start()
    const auth = await client().auth.test()
    const users = readExport<{ id: string; team_id: string; is_bot: boolean }[]>('users.json')
    expect(auth).toMatchObject({ ok: true, team_id: users[0]!.team_id, user_id: users.find((user) => user.is_bot)!.id, url: expect.stringMatching(/^https:\/\/.+\.slack\.com\/$/) })
    expect(auth).not.toHaveProperty('enterprise_id')
    const team = await client().team.info()
    expect(team.team).toMatchObject({ id: auth.team_id, domain: expect.any(String), email_domain: expect.stringContaining('.') })

    const external = Object.values(readdirSync(exportDir).filter((name) => name.startsWith('ext-')).flatMap(exportMessages))
      .find((message) => typeof message.user_team === 'string' && message.user_team !== auth.team_id)!
    const info = await client().users.info({ user: String(external.user) })
    expect(info.user).toMatchObject({ id: external.user, team_id: external.user_team, deleted: false })
    expect(info.user?.team_id).not.toBe(auth.team_id)
    expect(info.user?.profile?.email).toBeUndefined()
    upsertUser(fake!.state.workspace, { id: 'U0STRANGER', team_id: 'T0OTHER', name: 'stranger', is_stranger: true, profile: { real_name: 'A Stranger' } }, 1_800_000_000)
    expect((await client().users.info({ user: 'U0STRANGER' })).user).toMatchObject({ team_id: 'T0OTHER', is_stranger: true, updated: 1_800_000_000 })
    expect((await failure(client().users.info({ user: 'UNOBODY' }))).data?.error).toBe('user_not_found')
  })

  it('mutation helpers: a new message and a reply show up in an incremental history/replies sync', async () => {
    await start()
    const general = readExport<ExportChannel[]>('channels.json')[0]!
    const last = exportMessages(general.name!).filter(isHistoryMessage).at(-1)!
    const workspace = fake!.state.workspace
    postMessage(workspace, general.id, { ts: '1900000000.000100', user: 'U000000QGLJ', text: 'new' })
    postReply(workspace, general.id, '1900000000.000100', { ts: '1900000001.000200', user: 'U000000XPBK', text: 'reply' })
    postReply(workspace, general.id, '1900000000.000100', { ts: '1900000002.000300', user: 'U000000XPBK', text: 'broadcast' }, { broadcast: true })
    const history = await client().conversations.history({ channel: general.id, oldest: last.ts })
    expect(history.messages?.map((message) => [message.ts, message.subtype, message.reply_count, message.latest_reply])).toEqual([
      ['1900000002.000300', 'thread_broadcast', undefined, undefined],
      ['1900000000.000100', undefined, 2, '1900000002.000300'],
    ])
    const replies = await client().conversations.replies({ channel: general.id, ts: '1900000000.000100' })
    expect(replies.messages?.map((message) => message.ts)).toEqual(['1900000000.000100', '1900000001.000200', '1900000002.000300'])
    expect(() => postMessage(workspace, general.id, { ts: last.ts, user: 'U1', text: 'same ts' })).toThrow(/already has a message/)
  })
})

describe('Slack fake: auth, request formats and the call log', () => {
  it('an unknown token is invalid_auth and no token is not_authed, both HTTP 200 platform errors', async () => {
    await start()
    const invalid = await failure(client({}, 'xoxb-wrong').auth.test())
    expect(invalid.code).toBe(ErrorCode.PlatformError)
    expect(invalid.data).toMatchObject({ ok: false, error: 'invalid_auth' })
    expect((await failure(client({}, '').auth.test())).data?.error).toBe('not_authed')
  })

  it('accepts JSON bodies and a token in the body; the log keeps params without the token', async () => {
    const { url, state } = await start()
    const response = await fetch(`${url}users.info`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ token, user: 'USLACKBOT' }) })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-oauth-scopes')).toContain('users:read')
    expect(response.headers.get('x-accepted-oauth-scopes')).toBe('users:read')
    expect(await response.json()).toMatchObject({ ok: true, user: { id: 'USLACKBOT' } })
    await client().users.info({ user: 'USLACKBOT' })
    expect(state.calls).toEqual([
      { method: 'users.info', params: { user: 'USLACKBOT' }, httpMethod: 'POST', contentType: 'application/json; charset=utf-8', outcome: 'ok' },
      { method: 'users.info', params: { user: 'USLACKBOT' }, httpMethod: 'POST', contentType: 'application/x-www-form-urlencoded', outcome: 'ok' },
    ])
    const unknown = await fetch(`${url}users.nothing`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    expect({ status: unknown.status, body: await unknown.json() }).toEqual({ status: 404, body: { ok: false, error: 'unknown_method', req_method: 'users.nothing' } })
  })
})

describe('Slack fake: paging and delivery switches', () => {
  it('capPageSize shortens pages; repeatPage delivers one page twice under a new cursor, once; oldestOverlapSeconds widens the window', async () => {
    const { state } = await start()
    state.capPageSize('users.list', 4)
    state.repeatPage('users.list', 2)
    const ids: string[] = []
    const cursors: string[] = []
    for await (const page of client().paginate('users.list', { limit: 200 })) {
      ids.push(...(body(page).members as { id: string }[]).map((member) => member.id))
      cursors.push(String((page.response_metadata as { next_cursor?: string }).next_cursor))
    }
    const users = readExport<{ id: string }[]>('users.json').map((user) => user.id)
    expect(ids).toEqual([...users.slice(0, 8), ...users.slice(4)])
    expect(new Set(cursors).size).toBe(cursors.length)
    expect(Buffer.from(cursors[1]!, 'base64').toString()).toBe(`user:${users[4]}~replay1`)
    expect(state.pendingRepeats).toBe(0)

    const channel = readExport<ExportChannel[]>('channels.json')[0]!
    const messages = exportMessages(channel.name!).filter(isHistoryMessage)
    const pivot = messages[messages.length - 3]!
    expect((await client().conversations.history({ channel: channel.id, oldest: pivot.ts, limit: 999 })).messages).toHaveLength(2)
    state.oldestOverlapSeconds = 10 * 365 * 86_400
    expect((await client().conversations.history({ channel: channel.id, oldest: pivot.ts, limit: 999 })).messages).toHaveLength(messages.length)
  })
})

describe('Slack fake: faults as the SDK sees them', () => {
  it('429 with Retry-After is honoured: rate_limited event, one wait, then the retry succeeds', async () => {
    const { state } = await start()
    state.inject('users.info', { type: 'rate_limited', retryAfter: 1 })
    const web = client({ retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 10 } })
    const events: number[] = []
    web.on(WebClientEvent.RATE_LIMITED, (seconds: number) => events.push(seconds))
    const started = Date.now()
    const result = await web.users.info({ user: 'USLACKBOT' })
    expect(result.ok).toBe(true)
    expect(events).toEqual([1])
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(state.callsOf('users.info').map((call) => call.outcome)).toEqual(['fault:rate_limited', 'ok'])
  })

  it('rejectRateLimitedCalls gives slack_webapi_rate_limited_error with retryAfter; a storm lasts until cleared', async () => {
    const { state } = await start()
    state.storm('*', 30)
    const web = client({ rejectRateLimitedCalls: true })
    for (const call of [() => web.users.list({ limit: 5 }), () => web.auth.test()]) {
      const error = await failure(call())
      expect({ code: error.code, retryAfter: error.retryAfter }).toEqual({ code: ErrorCode.RateLimitedError, retryAfter: 30 })
    }
    state.clearFaults()
    expect((await web.auth.test()).ok).toBe(true)
  })

  it('non-Marketplace profile: 15 messages a page at most, then 429 Retry-After 60 until a minute has passed', async () => {
    let now = 1_800_000_000_000
    const { state } = await start({ profile: 'non_marketplace', clock: () => now })
    const general = readExport<ExportChannel[]>('channels.json')[0]!
    const web = client({ rejectRateLimitedCalls: true })
    const page = await web.conversations.history({ channel: general.id, limit: 200 })
    expect(page.messages?.length).toBe(15)
    expect(page.has_more).toBe(true)
    const limited = await failure(web.conversations.history({ channel: general.id, cursor: page.response_metadata?.next_cursor }))
    expect({ code: limited.code, retryAfter: limited.retryAfter }).toEqual({ code: ErrorCode.RateLimitedError, retryAfter: 60 })
    now += 45_000
    expect((await failure(web.conversations.history({ channel: general.id }))).retryAfter).toBe(15)
    expect((await web.users.list({ limit: 2 })).ok).toBe(true) // other methods are not throttled
    now += 15_000
    const next = await web.conversations.history({ channel: general.id, cursor: page.response_metadata?.next_cursor })
    expect(next.messages?.[0]?.ts).not.toBe(page.messages?.[0]?.ts)
    expect(state.callsOf('conversations.history').map((call) => call.outcome)).toEqual(['ok', 'http:429', 'http:429', 'ok'])
  })

  it('5xx is retried by the SDK per retryConfig; without retries it is slack_webapi_http_error', async () => {
    const { state } = await start()
    state.inject('auth.test', { type: 'http_error', status: 503 }, 2)
    expect((await client({ retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 10 } }).auth.test()).ok).toBe(true)
    state.inject('auth.test', { type: 'http_error', status: 502 })
    const error = await failure(client().auth.test())
    expect({ code: error.code, statusCode: error.statusCode }).toEqual({ code: ErrorCode.HTTPError, statusCode: 502 })
    expect(state.callsOf('auth.test').map((call) => call.outcome)).toEqual(['fault:http_error', 'fault:http_error', 'ok', 'fault:http_error'])
  })

  it('a connection reset is a retryable slack_webapi_request_error', async () => {
    const { state } = await start()
    state.inject('users.list', { type: 'reset' })
    const error = await failure(client().users.list({ limit: 5 }))
    expect(error.code).toBe(ErrorCode.RequestError)
    state.inject('users.list', { type: 'reset' })
    expect((await client({ retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 10 } }).users.list({ limit: 5 })).ok).toBe(true)
    expect(state.callsOf('users.list')).toHaveLength(3)
  })

  it('a truncated body is not retried by the SDK: the call rejects with a bare fetch error', async () => {
    const { state } = await start()
    state.inject('users.list', { type: 'truncated' })
    const error = await failure(client({ retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 10 } }).users.list({ limit: 5 }))
    expect(error.code).toBeUndefined()
    expect(error).toBeInstanceOf(TypeError)
    expect(state.callsOf('users.list').map((call) => call.outcome)).toEqual(['fault:truncated'])
  })

  it('a hanging response ends only by the client timeout (a request error) or by close()', async () => {
    const { state } = await start()
    state.inject('team.info', { type: 'hang' })
    const error = await failure(client({ timeout: 200 }).team.info())
    expect(error.code).toBe(ErrorCode.RequestError)
    state.inject('team.info', { type: 'hang' })
    const pending = client().team.info().catch((reason: unknown) => reason)
    await new Promise((resolve) => setTimeout(resolve, 50))
    await fake!.close()
    fake = undefined
    expect(await pending).toMatchObject({ code: ErrorCode.RequestError })
  })

  it('ok:false on demand is a platform error carrying the extra fields', async () => {
    const { state } = await start()
    state.inject('conversations.list', { type: 'error', error: 'account_inactive', extra: { warning: 'superfluous_charset' } })
    const error = await failure(client().conversations.list())
    expect(error.data).toMatchObject({ ok: false, error: 'account_inactive', warning: 'superfluous_charset' })
    expect((await client().conversations.list()).ok).toBe(true)
  })
})
