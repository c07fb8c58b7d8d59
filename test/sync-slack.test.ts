/**
 * The Slack sync end to end: the real @slack/web-api client aimed at the local Slack fake, through
 * runSync, into both databases. The fake serves a generated company's workspace (the same ids and ts
 * as its export), so an export import followed by an API sync must give no duplicates.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { exportConnectors } from '../src/connectors/registry.ts'
import type { Deps } from '../src/deps.ts'
import { openExportSource } from '../src/formats/export-source.ts'
import { createLogger } from '../src/logger.ts'
import { runImport } from '../src/pipeline/run-import.ts'
import { parseConnectionsFile, type ConnectionEntry } from '../src/sync/connections-config.ts'
import { catalogOf } from '../src/sync/load-connections.ts'
import { runSync, type SyncReport, type SyncRequest } from '../src/sync/run-sync.ts'
import { startSlackFake, type SlackFake } from './fakes/slack/slack-fake.ts'
import { loadSlackWorkspace, postMessage, postReply, upsertUser, type SlackWorkspace } from './fakes/slack/workspace.ts'
import { runCliProcess } from './support/run-cli.ts'
import { databaseTargets, type TestDatabase } from './support/test-databases.ts'

const TOKEN = 'xoxb-canary-7f3a9c'
let work: string
let exportDir: string
let fake: SlackFake
let workspace: SlackWorkspace

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sync-slack-'))
  const generated = await runCliProcess(['generate', path.join(work, 'company'), '--people', '40', '--seed', '7'], { cwd: work })
  expect({ code: generated.code, stderr: generated.stderr }).toEqual({ code: 0, stderr: '' })
  exportDir = path.join(work, 'company', 'slack')
}, 120_000)
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function startFake(): Promise<void> {
  workspace = await loadSlackWorkspace(exportDir)
  fake = await startSlackFake({ workspace, tokens: [TOKEN] })
}

function connection(overrides = '', token = TOKEN): ConnectionEntry {
  const text = `connections:\n  acme-slack:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n    pageSize: 25\n${overrides}`
  return parseConnectionsFile(text, 'customer-graph.yaml', { SLACK_TOKEN: token }, catalogOf()).connections['acme-slack']!
}

/** Every source record of the connection, as a comparable list. */
async function storeOf(store: TestDatabase): Promise<string[]> {
  const { rows } = await sql<{ row: string }>`
    select concat_ws('|', object_type, source_id, content_hash, deleted_at is null, inferred) as row
    from source_records where connection_id = 'acme-slack' order by object_type, source_id`.execute(store.db)
  return rows.map((row) => row.row)
}

const countOf = async (store: TestDatabase, objectType: string) =>
  Number((await sql<{ n: number }>`select count(*)::int as n from source_records where object_type = ${objectType} and deleted_at is null`.execute(store.db)).rows[0]!.n)

describe.each(databaseTargets())('Slack sync on the $name database', (target) => {
  let store: TestDatabase
  let deps: Deps
  // Waits pass instantly but move the sync's clock, as a real sleep would.
  const sleeps: number[] = []
  let skipped = 0
  const clock = { now: () => new Date(Date.now() + skipped) }
  const sleep = (ms: number) => {
    sleeps.push(ms)
    skipped += ms
    return Promise.resolve()
  }
  const sync = (request: Partial<SyncRequest> = {}): Promise<SyncReport> => runSync(deps, { connection: connection(), sleep, ...request })

  // A fresh fake per test: tests change its workspace.
  beforeEach(async () => {
    await startFake()
  })
  afterEach(async () => {
    await fake.close()
    sleeps.length = 0
    await store?.dispose()
  })
  const fresh = async () => {
    store = await target.create()
    deps = { db: store.db, clock, logger: createLogger('silent') }
  }

  it('lands the workspace on the first sync, then reads only what changed', async () => {
    await fresh()
    const first = await sync()
    expect(first.status, JSON.stringify(first.streams.flatMap((stream) => stream.errors))).toBe('succeeded')
    expect(first.streams.map((stream) => [stream.name, stream.status])).toEqual([
      ['users', 'succeeded'],
      ['conversations', 'succeeded'],
      ['history', 'succeeded'],
    ])
    const messages = [...workspace.conversations.values()].reduce((sum, conversation) => sum + conversation.messages.length, 0)
    expect(await countOf(store, 'user')).toBeGreaterThanOrEqual(workspace.users.size)
    expect(await countOf(store, 'channel')).toBe(workspace.conversations.size)
    expect(await countOf(store, 'message')).toBe(messages)
    const state = await store.db.selectFrom('sync_state').select(['stream', 'cursor']).orderBy('stream').execute()
    expect(state.map((row) => [row.stream, row.cursor === null])).toEqual([
      ['conversations', true],
      ['history', false],
      ['users', true],
    ])

    // Unchanged: nothing new, nothing changed, and history asks only for the lookback window.
    fake.state.calls.length = 0
    const second = await sync()
    expect(second.records).toMatchObject({ new: 0, changed: 0, deleted: 0 })
    expect(fake.state.callsOf('conversations.history').every((call) => call.params.oldest !== undefined)).toBe(true)

    // A changed user, a new message and a new reply to an old thread land on the next sync.
    const [user] = [...workspace.users.values()].filter((candidate) => !candidate.is_bot && !candidate.deleted)
    upsertUser(workspace, { ...user!, real_name: 'Renamed Person' }, Math.floor(Date.now() / 1000))
    const channel = [...workspace.conversations.values()].find((conversation) => conversation.kind === 'public_channel' && conversation.messages.length > 0)!
    const newest = channel.messages.at(-1)!
    const later = (ts: string, seconds: number) => `${Number(ts.split('.')[0]) + seconds}.000100`
    postMessage(workspace, channel.id, { ts: later(newest.ts, 60), user: user!.id, text: 'a new message' })
    postReply(workspace, channel.id, newest.ts, { ts: later(newest.ts, 120), user: user!.id, text: 'a late reply' })
    const third = await sync()
    expect(third.records).toMatchObject({ new: 2, changed: 2 }) // the two messages; the user and the thread's parent (reply_count)
    const reply = await store.db.selectFrom('source_records').select('payload').where('source_id', '=', `${channel.id}:${later(newest.ts, 120)}`).executeTakeFirst()
    expect(reply?.payload).toMatchObject({ text: 'a late reply', thread_ts: newest.ts })
  }, 180_000)

  it('marks a conversation gone from a complete listing as deleted, with its members', async () => {
    await fresh()
    await sync()
    const dm = [...workspace.conversations.values()].find((conversation) => conversation.kind === 'im')!
    workspace.conversations.delete(dm.id)
    const report = await sync({ streams: ['conversations'] })
    const conversations = report.streams[0]!
    expect(conversations.fromStart).toBe(true)
    expect(conversations.deletions.filter((decision) => decision.applied).map((decision) => [decision.objectType, decision.missing])).toEqual([
      ['channel', 1],
      ['channel_member', dm.members.length],
    ])
    expect(conversations.records.deleted).toBe(1 + dm.members.length)
    expect(report.records.deleted).toBe(1 + dm.members.length)
    const gone = await store.db.selectFrom('source_records').select(['deleted_at', 'deletion_evidence']).where('source_id', '=', dm.id).executeTakeFirstOrThrow()
    expect(gone.deleted_at).not.toBeNull()
    expect(gone.deletion_evidence).toMatchObject({ reason: 'missing_from_complete_export' })
  })

  it('resumes from every checkpoint: a run stopped after each page ends equal to an uninterrupted run', async () => {
    await fresh()
    const reference = store
    await sync()
    const expected = await storeOf(reference)
    const uninterrupted = await reference.db.selectFrom('sync_state').select(['stream', 'cursor']).orderBy('stream').execute()
    store = await target.create()
    deps = { ...deps, db: store.db }
    try {
      // Each run stops right after its k-th committed page (a crash between pages), k = 1, 2, 3 …;
      // the next run resumes from the cursor that page committed.
      let runs = 0
      for (let k = 1; ; k++) {
        let pages = 0
        const report = await sync({
          onProgress: () => {
            if (++pages === k) throw new Error(`stopped after page ${k}`)
          },
        })
        runs++
        if (report.status === 'succeeded') break
        expect(report.streams.some((stream) => stream.errors.some((error) => error.message.includes(`stopped after page ${k}`)))).toBe(true)
        expect(runs).toBeLessThan(200)
      }
      expect(runs).toBeGreaterThan(3)
      expect(await storeOf(store)).toEqual(expected)
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from (select 1 from source_records group by connection_id, object_type, source_id having count(*) > 1) d`.execute(store.db)
      expect(rows[0]!.n).toBe(0)
      const state = await store.db.selectFrom('sync_state').select(['stream', 'cursor']).orderBy('stream').execute()
      expect(state).toEqual(uninterrupted)
    } finally {
      await reference.dispose()
    }
  }, 300_000)

  it('reads nothing from a far-future cursor, and refuses a malformed one without touching it', async () => {
    await fresh()
    await sync()
    const far = Object.fromEntries([...workspace.conversations.keys()].map((id) => [id, '9999999999.000000']))
    await store.db.updateTable('sync_state').set({ cursor: JSON.stringify({ channels: far }) }).where('stream', '=', 'history').execute()
    fake.state.calls.length = 0
    const future = await sync({ streams: ['history'] })
    expect(future.status).toBe('succeeded')
    expect(future.records.read).toBe(0)

    await store.db.updateTable('sync_state').set({ cursor: JSON.stringify({ channels: 'garbage' }) }).where('stream', '=', 'history').execute()
    const report = await sync()
    const history = report.streams.find((stream) => stream.name === 'history')!
    expect(history.status).toBe('failed')
    expect(history.errors[0]).toMatchObject({ code: 'E_STATE_INVALID', location: { path: 'sync_state[acme-slack/history].cursor.channels' } })
    expect(history.errors[0]!.message).toContain('--full')
    expect(report.streams.filter((stream) => stream.name !== 'history').map((stream) => stream.status)).toEqual(['succeeded', 'succeeded'])
    expect(report.status).toBe('partial')
    const kept = await store.db.selectFrom('sync_state').select('cursor').where('stream', '=', 'history').executeTakeFirstOrThrow()
    expect(kept.cursor).toEqual({ channels: 'garbage' })
    // --full reads the stream again from the start and replaces the cursor.
    const full = await sync({ full: true, streams: ['history'] })
    expect(full.status).toBe('succeeded')
  })

  it('waits out rate limits, retries 5xx, resets, truncated bodies and hangs, and reschedules a wait past the cap', async () => {
    await fresh()
    fake.state.inject('users.list', { type: 'rate_limited', retryAfter: 7 }, 3)
    fake.state.inject('conversations.list', { type: 'http_error', status: 503 }, 2)
    fake.state.inject('conversations.members', { type: 'reset' }, 1)
    fake.state.inject('conversations.history', { type: 'truncated' }, 1)
    fake.state.inject('auth.test', { type: 'hang' }, 1)
    const report = await runSync(deps, { connection: connection('    requestTimeoutMs: 300\n'), sleep })
    expect(report.status, JSON.stringify(report.streams.flatMap((stream) => stream.errors))).toBe('succeeded')
    expect(sleeps.filter((ms) => ms > 6900 && ms <= 7000)).toHaveLength(3)
    const outcomes = (method: string) => fake.state.callsOf(method).map((call) => call.outcome)
    expect(outcomes('users.list').slice(0, 4)).toEqual(['fault:rate_limited', 'fault:rate_limited', 'fault:rate_limited', 'ok'])
    expect(outcomes('conversations.list').slice(0, 3)).toEqual(['fault:http_error', 'fault:http_error', 'ok'])
    expect(outcomes('auth.test').slice(0, 2)).toEqual(['fault:hang', 'ok'])
    expect(outcomes('conversations.history')[0]).toBe('fault:truncated')

    // A wait longer than the cap stops the stream with its retry time; the others go on.
    fake.state.inject('users.list', { type: 'rate_limited', retryAfter: 900 }, 1)
    const limited = await sync()
    const users = limited.streams.find((stream) => stream.name === 'users')!
    expect(users.status).toBe('rescheduled')
    expect(users.errors[0]?.code).toBe('E_RATE_LIMITED')
    expect(Date.parse(users.retryAt!) - clock.now().getTime()).toBeGreaterThan(800_000)
    expect(limited.status).toBe('partial')
  })

  it('fails fast on a refused token with E_AUTH and no secret anywhere, and on a missing scope', async () => {
    await fresh()
    const report = await runSync(deps, { connection: connection('', 'xoxb-wrong-canary-91d2'), sleep: () => Promise.resolve() })
    expect(report.status).toBe('failed')
    expect(report.error).toMatchObject({ code: 'E_AUTH' })
    expect(fake.state.callsOf('auth.test').filter((call) => call.outcome === 'error:invalid_auth')).toHaveLength(1)
    const run = await store.db.selectFrom('sync_runs').selectAll().where('id', '=', report.runId).executeTakeFirstOrThrow()
    expect(run.status).toBe('failed')
    for (const shown of [JSON.stringify(report), JSON.stringify(run)]) {
      expect(shown).not.toContain('canary')
      expect(shown).not.toContain(Buffer.from('xoxb-wrong-canary-91d2').toString('base64'))
    }

    fake.state.scopes = new Set(['users:read', 'channels:read'])
    try {
      const scoped = await sync({ streams: ['conversations'] })
      expect(scoped.streams[0]).toMatchObject({ status: 'failed' })
      expect(scoped.streams[0]!.errors[0]).toMatchObject({ code: 'E_SOURCE' })
      expect(scoped.streams[0]!.errors[0]!.message).toContain('missing_scope')
    } finally {
      fake.state.scopes = new Set((await import('./fakes/slack/slack-fake.ts')).defaultScopes)
    }
  })

  it('an export import followed by an API sync of the same workspace gives no duplicates', async () => {
    await fresh()
    const imported = await runImport(deps, { connector: exportConnectors.slack, path: exportDir, openSource: () => openExportSource(exportDir), connectionId: 'acme-slack' })
    expect(imported.status).toBe('succeeded')
    const before = await sql<{ object_type: string; n: number }>`select object_type, count(*)::int as n from source_records group by 1 order by 1`.execute(store.db)
    const synced = await sync()
    expect(synced.status).toBe('succeeded')
    expect(synced.records.new).toBe(0)
    const after = await sql<{ object_type: string; n: number }>`select object_type, count(*)::int as n from source_records group by 1 order by 1`.execute(store.db)
    expect(after.rows).toEqual(before.rows)
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from (select 1 from source_records group by connection_id, object_type, source_id having count(*) > 1) d`.execute(store.db)
    expect(rows[0]!.n).toBe(0)
  })
})
