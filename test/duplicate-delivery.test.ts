/**
 * Pages delivered twice and windows that overlap what was already read, through the real SDK clients
 * against the Slack, Salesforce and Google fakes, on both databases. A source may hand a page out again (a
 * cursor over a list that shifted, a query locator re-created, a retried request whose first answer
 * the client never saw) and an incremental read may start before the position it saved. Either way the
 * store must end exactly as after a clean sync of the same data, row for row (store-snapshot.ts), and
 * no record may be counted or written twice.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { salesforceApiConnector } from '../src/connectors/salesforce/api.ts'
import type { Deps } from '../src/deps.ts'
import { createLogger } from '../src/logger.ts'
import { runResolution } from '../src/resolve/run-resolution.ts'
import type { RecordCounts } from '../src/schema/database.ts'
import { parseConnectionsFile, type ConnectionEntry } from '../src/sync/connections-config.ts'
import { catalogOf } from '../src/sync/load-connections.ts'
import { runSync, type SyncReport, type SyncRequest } from '../src/sync/run-sync.ts'
import { Secret } from '../src/sync/secret.ts'
import { startGoogleFake, type GoogleFake } from './fakes/google/google-fake.ts'
import { loadGoogleTenant } from './fakes/google/tenant.ts'
import { startSalesforceFake, type SalesforceFake } from './fakes/salesforce/salesforce-fake.ts'
import { startSlackFake, type SlackFake } from './fakes/slack/slack-fake.ts'
import { loadSlackWorkspace, postMessage, postReply, upsertUser, type SlackWorkspace } from './fakes/slack/workspace.ts'
import { runCliProcess } from './support/run-cli.ts'
import { storeSnapshot } from './support/store-snapshot.ts'
import { databaseTargets, truncateAll, type TestDatabase } from './support/test-databases.ts'

const SLACK_TOKEN = 'xoxb-duplicates-canary-31c4'
/** The Salesforce fake's clock: after every SystemModstamp of the generated export. */
const NOW = new Date('2026-12-01T12:00:00.000Z')
const MINUTE = 60_000
let work: string
let slackExport: string
let salesforceExport: string
let googleExport: string

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'duplicate-delivery-'))
  for (const [dir, people, seed] of [['slack-company', '40', '7'], ['salesforce-company', '100', '1'], ['google-company', '60', '1']] as const) {
    const generated = await runCliProcess(['generate', path.join(work, dir), '--people', people, '--seed', seed], { cwd: work })
    expect({ code: generated.code, stderr: generated.stderr }).toEqual({ code: 0, stderr: '' })
  }
  slackExport = path.join(work, 'slack-company', 'slack')
  salesforceExport = path.join(work, 'salesforce-company', 'salesforce')
  googleExport = path.join(work, 'google-company', 'google')
}, 120_000)
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** What one sync left: its report, its row in sync_runs, and the records it wrote (new or changed). */
interface RunOutcome {
  report: SyncReport
  counts: Partial<RecordCounts>
  written: string[]
}

async function outcomeOf(deps: Deps, report: SyncReport): Promise<RunOutcome> {
  const run = await deps.db.selectFrom('sync_runs').select('counts').where('id', '=', report.runId).executeTakeFirstOrThrow()
  const { rows } = await sql<{ key: string }>`
    select object_type || ':' || source_id as key from source_records where last_run_id = ${report.runId} order by 1`.execute(deps.db)
  return { report, counts: run.counts, written: rows.map((row) => row.key) }
}

/** No record twice in the store: one row per id (the unique key), and each record's canonical records once. */
async function expectNoDuplicateRows(deps: Deps): Promise<void> {
  const { rows } = await sql<{ n: number }>`
    select (select count(*) from (select 1 from source_records group by connection_id, object_type, source_id having count(*) > 1) d)
         + (select count(*) from (select 1 from canonical_records group by source_record_id, ordinal having count(*) > 1) c) as n`.execute(deps.db)
  expect(Number(rows[0]!.n)).toBe(0)
}

const changeCounts = (counts: Partial<RecordCounts>) => ({ new: counts.new, changed: counts.changed, deleted: counts.deleted, rejected: counts.rejected })

describe.each(databaseTargets())('pages delivered twice and overlapping windows on the $name database', (target) => {
  let database: TestDatabase

  beforeAll(async () => {
    database = await target.create()
  })
  afterAll(async () => {
    await database?.dispose()
  })
  beforeEach(async () => {
    await truncateAll(database.db)
  })

  describe('Slack', () => {
    /** A fresh fake over a fresh copy of the workspace, listings several pages long. */
    async function startFake(): Promise<{ fake: SlackFake; workspace: SlackWorkspace }> {
      const workspace = await loadSlackWorkspace(slackExport)
      const fake = await startSlackFake({ workspace, tokens: [SLACK_TOKEN] })
      fake.state.capPageSize('users.list', 10)
      fake.state.capPageSize('conversations.list', 6)
      return { fake, workspace }
    }

    function connection(fake: SlackFake): ConnectionEntry {
      const text = `connections:\n  acme-slack:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n    pageSize: 25\n`
      return parseConnectionsFile(text, 'customer-graph.yaml', { SLACK_TOKEN }, catalogOf()).connections['acme-slack']!
    }

    /** The same changes on any copy of the workspace: a renamed user, a new message, a late reply to an old thread. */
    function change(workspace: SlackWorkspace): void {
      const [user] = [...workspace.users.values()].filter((candidate) => !candidate.is_bot && !candidate.deleted)
      upsertUser(workspace, { ...user!, real_name: 'Renamed Person' }, 1_900_000_000)
      const channel = [...workspace.conversations.values()].find((conversation) => conversation.kind === 'public_channel' && conversation.messages.length > 0)!
      const newest = channel.messages.at(-1)!
      const later = (seconds: number) => `${Number(newest.ts.split('.')[0]) + seconds}.000100`
      postMessage(workspace, channel.id, { ts: later(60), user: user!.id, text: 'a new message' })
      postReply(workspace, channel.id, newest.ts, { ts: later(120), user: user!.id, text: 'a late reply' })
    }

    /**
     * Two syncs with the changes between them, each followed by a resolution pass; `before` arms the
     * fake's faults before each sync. Returns what each sync left and the store at the end.
     */
    async function syncTwice(before: (fake: SlackFake, sync: 1 | 2) => void): Promise<{ runs: RunOutcome[]; store: string[]; fake: SlackFake }> {
      const { fake, workspace } = await startFake()
      const deps: Deps = { db: database.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
      const request: SyncRequest = { connection: connection(fake), sleep: () => Promise.resolve() }
      try {
        const runs: RunOutcome[] = []
        for (const sync of [1, 2] as const) {
          if (sync === 2) change(workspace)
          before(fake, sync)
          const report = await runSync(deps, request)
          expect(report.status, JSON.stringify(report.streams.flatMap((stream) => stream.errors))).toBe('succeeded')
          // Every page armed to come twice did.
          expect(fake.state.pendingRepeats).toBe(0)
          runs.push(await outcomeOf(deps, report))
          await runResolution(deps)
        }
        await expectNoDuplicateRows(deps)
        return { runs, store: await storeSnapshot(database.db, 'acme-slack', { entities: true, cursors: true }), fake }
      } finally {
        await fake.close()
      }
    }

    /** Cursors the fake handed out for a page it delivered again. */
    const replayed = (fake: SlackFake, method: string) =>
      fake.state.callsOf(method).filter((call) => call.params.cursor !== undefined && Buffer.from(call.params.cursor, 'base64').toString().includes('~replay'))

    it('a page of users, conversations, members and history delivered twice, and answers the client never saw, leave the store of a clean sync, nothing counted or written twice', async () => {
      const clean = await syncTwice(() => undefined)
      await truncateAll(database.db)
      const doubled = await syncTwice((fake, sync) => {
        if (sync === 1) {
          fake.state.repeatPage('users.list', 2)
          fake.state.repeatPage('conversations.list', 1)
          fake.state.repeatPage('conversations.members', 3)
          // Answers cut off after the fake served them: the client asks again for the same page.
          fake.state.inject('users.list', { type: 'truncated' })
          fake.state.inject('conversations.history', { type: 'truncated' })
        }
        fake.state.repeatPage('conversations.history', sync === 1 ? 2 : 1)
      })
      for (const method of ['users.list', 'conversations.list', 'conversations.members', 'conversations.history']) {
        expect(replayed(doubled.fake, method).length, method).toBeGreaterThan(0)
      }
      expect(doubled.store).toEqual(clean.store)
      // The first sync lands every record once; the second lands the changes once.
      expect(doubled.runs.map((run) => run.counts)).toEqual(clean.runs.map((run) => run.counts))
      expect(doubled.runs.map((run) => run.written)).toEqual(clean.runs.map((run) => run.written))
      expect(clean.runs[1]!.counts).toMatchObject({ new: 2, changed: 2 })
    }, 180_000)

    it('history windows that restart long before the saved position read old messages again and change nothing else', async () => {
      const clean = await syncTwice(() => undefined)
      await truncateAll(database.db)
      const overlapping = await syncTwice((fake, sync) => {
        // Ten years: every message and reply is in the window again.
        if (sync === 2) fake.state.oldestOverlapSeconds = 10 * 365 * 86_400
      })
      expect(overlapping.store).toEqual(clean.store)
      const [cleanSecond, overlapSecond] = [clean.runs[1]!, overlapping.runs[1]!]
      expect(overlapSecond.counts.read).toBeGreaterThan(cleanSecond.counts.read! + 10)
      expect(changeCounts(overlapSecond.counts)).toEqual(changeCounts(cleanSecond.counts))
      // What the window read again was unchanged: not written.
      expect(overlapSecond.written).toEqual(cleanSecond.written)
    }, 180_000)
  })

  describe('Salesforce', () => {
    const CONNECTION = 'sf'
    const PAGE = 20
    const BULK = { bulkThreshold: 50, bulkPageSize: 20 }

    async function startFake(): Promise<SalesforceFake> {
      const fake = await startSalesforceFake({ exportFolder: salesforceExport, now: NOW })
      fake.state.queryPageSize = PAGE
      return fake
    }

    function connection(fake: SalesforceFake, settings: Record<string, unknown> = {}): ConnectionEntry {
      const { clientId, clientSecret } = fake.state.credentials
      const auth = { type: 'oauth_refresh', clientId: new Secret('SF_CLIENT_ID', clientId), clientSecret: new Secret('SF_CLIENT_SECRET', clientSecret), refreshToken: new Secret('SF_REFRESH_TOKEN', fake.refreshToken) }
      return {
        name: CONNECTION,
        connector: salesforceApiConnector,
        settings: salesforceApiConnector.settings.parse({ instanceUrl: fake.instanceUrl, loginUrl: fake.loginUrl, auth, bulkPollIntervalMs: 5, ...settings }),
        streams: undefined,
        schedule: undefined,
        runTimeoutMs: 3_600_000,
        retries: 8,
        requestTimeoutMs: 5_000,
        concurrency: 4,
        maxRateLimitWaitMs: 300_000,
      }
    }

    /** The same changes in any copy of the org: an edit, a new lead, a record binned and one emptied from the bin. */
    function change(fake: SalesforceFake): void {
      const org = fake.state.org
      const contacts = org.records('Contact')
      org.update('Contact', String(contacts[0]!.Id), { Title: 'Chief Customer Officer' })
      org.insert('Lead', { LastName: 'Newman', Company: 'Acme', Email: 'newman@acme.example', Status: 'Open - Not Contacted' })
      org.delete('Contact', String(contacts[5]!.Id))
      org.hardDelete('Contact', String(contacts[6]!.Id))
      // getDeleted answers for whole minutes up to Salesforce's now.
      org.clock.advance(5 * MINUTE)
    }

    async function syncTwice(settings: Record<string, unknown>, before: (fake: SalesforceFake, sync: 1 | 2) => void): Promise<{ runs: RunOutcome[]; store: string[]; fake: SalesforceFake }> {
      const fake = await startFake()
      const deps: Deps = { db: database.db, clock: fake.state.org.clock, logger: createLogger('silent') }
      try {
        const runs: RunOutcome[] = []
        for (const sync of [1, 2] as const) {
          if (sync === 2) change(fake)
          before(fake, sync)
          const report = await runSync(deps, { connection: connection(fake, settings), sleep: () => Promise.resolve() })
          expect(report.status, JSON.stringify(report.streams.flatMap((stream) => stream.errors))).toBe('succeeded')
          expect(fake.state.pendingRepeats).toBe(0)
          runs.push(await outcomeOf(deps, report))
          await runResolution(deps)
        }
        await expectNoDuplicateRows(deps)
        return { runs, store: await storeSnapshot(database.db, CONNECTION, { entities: true, cursors: true }), fake }
      } finally {
        await fake.close()
      }
    }

    it.each([
      { path: 'REST queryAll', settings: {} },
      { path: 'a Bulk API 2.0 job', settings: BULK },
    ])('query pages delivered twice through $path, and answers cut off and asked again, leave the store of a clean sync, nothing counted or written twice', async ({ settings }) => {
      const clean = await syncTwice(settings, () => undefined)
      await truncateAll(database.db)
      const doubled = await syncTwice(settings, (fake, sync) => {
        if (sync === 1) {
          fake.state.repeatQueryPage('Account', 1)
          if (settings === BULK) fake.state.repeatBulkPage('Contact', 2)
          else fake.state.repeatQueryPage('Contact', 2)
          fake.state.truncateAndCloseNext(1, /\/query\/01g/)
        } else {
          // The changes read of the second sync: its only page comes twice.
          fake.state.repeatQueryPage('Contact', 1)
          fake.state.repeatQueryPage('Lead', 1)
        }
      })
      expect(doubled.fake.state.calls.filter((call) => call.fault === 'truncateAndClose')).toHaveLength(1)
      expect(doubled.store).toEqual(clean.store)
      expect(doubled.runs.map((run) => run.counts)).toEqual(clean.runs.map((run) => run.counts))
      expect(doubled.runs.map((run) => run.written)).toEqual(clean.runs.map((run) => run.written))
      expect(clean.runs[1]!.counts).toMatchObject({ new: 1, changed: 2, deleted: 2 })
    }, 180_000)

    it('a changes window that restarts a month before the saved position reads the org again and changes nothing else', async () => {
      const clean = await syncTwice({}, () => undefined)
      await truncateAll(database.db)
      const overlapping = await syncTwice({}, (fake, sync) => {
        if (sync === 2) fake.state.modstampOverlapMs = 30 * 24 * 60 * MINUTE
      })
      expect(overlapping.store).toEqual(clean.store)
      const [cleanSecond, overlapSecond] = [clean.runs[1]!, overlapping.runs[1]!]
      expect(overlapSecond.counts.read).toBeGreaterThan(cleanSecond.counts.read! + 40)
      expect(changeCounts(overlapSecond.counts)).toEqual(changeCounts(cleanSecond.counts))
      expect(overlapSecond.written).toEqual(cleanSecond.written)
    }, 180_000)
  })
  describe('Google', () => {
    const CLIENT_SECRET = 'fake-client-secret-duplicates'
    const environment = { GOOGLE_CLIENT_ID: 'cid', GOOGLE_CLIENT_SECRET: CLIENT_SECRET, GOOGLE_REFRESH_TOKEN: '1//fake-refresh-token' }

    function connection(fake: GoogleFake): ConnectionEntry {
      const text = [
        'connections:',
        '  acme-google:',
        '    system: google',
        `    rootUrl: ${fake.rootUrl}`,
        `    tokenUrl: ${fake.tokenUrl}`,
        '    auth: { type: oauth_refresh, clientId: "${GOOGLE_CLIENT_ID}", clientSecret: "${GOOGLE_CLIENT_SECRET}", refreshToken: "${GOOGLE_REFRESH_TOKEN}" }',
        '    calendars: ["primary"]',
        '    pageSize: { users: 10, contacts: 5, otherContacts: 5, events: 6 }',
      ].join('\n')
      return parseConnectionsFile(text, 'customer-graph.yaml', environment, catalogOf()).connections['acme-google']!
    }

    async function syncTwice(before: (fake: GoogleFake, sync: 1 | 2) => void): Promise<{ runs: RunOutcome[]; store: string[] }> {
      const now = Date.parse('2026-12-01T00:00:00Z')
      const tenant = await loadGoogleTenant(googleExport, { clock: () => now })
      const fake = await startGoogleFake({ tenant, client: { id: 'cid', secret: CLIENT_SECRET } })
      let time = now
      const deps: Deps = { db: database.db, clock: { now: () => new Date((time += 1000)) }, logger: createLogger('silent') }
      try {
        const runs: RunOutcome[] = []
        for (const sync of [1, 2] as const) {
          if (sync === 2) {
            // An edited user, an edited and a new contact, an edited event: the sync tokens' next pages.
            const user = [...tenant.users.values()][2]!.resource
            tenant.upsertUser({ primaryEmail: user.primaryEmail, organizations: [{ title: 'Chief Customer Officer', primary: true }] })
            const contact = [...tenant.contacts.values()][1]!.resource
            tenant.upsertContact({ resourceName: contact.resourceName, nicknames: [{ value: 'Coco' }] })
            tenant.upsertContact({ names: [{ displayName: 'Nina New', givenName: 'Nina', familyName: 'New' }], emailAddresses: [{ value: 'nina.new@client.example' }] })
            const event = [...tenant.events.values()][0]!.resource
            tenant.upsertEvent({ id: event.id, summary: 'Renamed review' })
          }
          before(fake, sync)
          const report = await runSync(deps, { connection: connection(fake), sleep: () => Promise.resolve() })
          expect(report.status, JSON.stringify(report.streams.flatMap((stream) => stream.errors))).toBe('succeeded')
          expect(fake.state.pendingRepeats).toBe(0)
          runs.push(await outcomeOf(deps, report))
          await runResolution(deps)
        }
        await expectNoDuplicateRows(deps)
        // Google's sync tokens are opaque random strings: the cursors differ from any other run's by design.
        return { runs, store: await storeSnapshot(database.db, 'acme-google', { entities: true }) }
      } finally {
        await fake.close()
      }
    }

    it('a page of users, contacts, other contacts and events delivered twice, and an answer cut off and asked again, leave the store of a clean sync, nothing counted or written twice', async () => {
      const clean = await syncTwice(() => undefined)
      await truncateAll(database.db)
      const doubled = await syncTwice((fake, sync) => {
        if (sync === 1) {
          fake.state.repeatPage('users', 2)
          fake.state.repeatPage('connections', 1)
          fake.state.repeatPage('otherContacts', 2)
          fake.state.repeatPage('events', 1)
          fake.state.inject('people', { type: 'truncated' })
        } else {
          // The Directory has no change feed (its pass reads every user again); People and Calendar read their sync tokens.
          fake.state.repeatPage('users', 1)
          fake.state.repeatPage('connections', 1)
          fake.state.repeatPage('events', 1)
        }
      })
      expect(doubled.store).toEqual(clean.store)
      expect(doubled.runs.map((run) => run.counts)).toEqual(clean.runs.map((run) => run.counts))
      expect(doubled.runs.map((run) => run.written)).toEqual(clean.runs.map((run) => run.written))
      expect(clean.runs[1]!.counts).toMatchObject({ changed: 3 })
    }, 180_000)
  })
})
