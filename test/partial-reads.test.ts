/**
 * A complete read that stops partway deletes nothing. A full read (Slack users and conversations,
 * a Salesforce object read from the start through REST or Bulk 2.0, an export's object file) infers
 * that what it did not contain is gone — but only once it has read everything. Here the store holds
 * a prior full read, the source has since lost a few records, and the read breaks on page 7 of 10:
 * the run ends with its coded error and not one record is marked deleted (the records on pages 8–10
 * are unseen, not gone), even with the mass-deletion guard switched off so that it cannot be what
 * saves them. A later complete read then marks exactly the records really gone. Real SDK clients
 * against the local fakes, on both databases.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { salesforceApiConnector } from '../src/connectors/salesforce/api.ts'
import { salesforceConnector } from '../src/connectors/salesforce/index.ts'
import type { Deps } from '../src/deps.ts'
import { openExportSource } from '../src/formats/export-source.ts'
import { createLogger } from '../src/logger.ts'
import { runImport, type ImportReport } from '../src/pipeline/run-import.ts'
import { parseConnectionsFile, type ConnectionEntry } from '../src/sync/connections-config.ts'
import { catalogOf } from '../src/sync/load-connections.ts'
import { runSync, type SyncReport, type SyncRequest } from '../src/sync/run-sync.ts'
import { Secret } from '../src/sync/secret.ts'
import { startSalesforceFake, type SalesforceFake } from './fakes/salesforce/salesforce-fake.ts'
import { startSlackFake, type SlackFake, type SlackFault } from './fakes/slack/slack-fake.ts'
import { loadSlackWorkspace, type SlackWorkspace } from './fakes/slack/workspace.ts'
import { rawZipBytes, type RawZipEntry } from './support/raw-zip.ts'
import { runCliProcess } from './support/run-cli.ts'
import { databaseTargets, truncateAll, type TestDatabase } from './support/test-databases.ts'

const SLACK_TOKEN = 'xoxb-partial-canary-8e2d'
const NOW = new Date('2026-12-01T12:00:00.000Z')
const PAGES = 10
const FAILING_PAGE = 7
/** Only the completeness of the read may stand between a partial read and a deletion. */
const NO_GUARD = { allowMassDelete: true }
let work: string
let slackExport: string
let salesforceExport: string

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'partial-reads-'))
  for (const [dir, people, seed] of [['slack-company', '40', '7'], ['salesforce-company', '100', '1']] as const) {
    const generated = await runCliProcess(['generate', path.join(work, dir), '--people', people, '--seed', seed], { cwd: work })
    expect({ code: generated.code, stderr: generated.stderr }).toEqual({ code: 0, stderr: '' })
  }
  slackExport = path.join(work, 'slack-company', 'slack')
  salesforceExport = path.join(work, 'salesforce-company', 'salesforce')
}, 120_000)
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** A page size that makes `count` items PAGES pages, or a few more when no size gives exactly PAGES. */
function pageSizeFor(count: number): number {
  const size = Math.ceil(count / PAGES)
  return Math.ceil(count / size) === PAGES ? size : Math.max(1, Math.floor(count / PAGES))
}
const pagesOf = (count: number): number => Math.ceil(count / pageSizeFor(count))

/** The connection's records marked deleted, as object_type:source_id. */
async function deletedRecords(db: TestDatabase['db'], connection: string): Promise<string[]> {
  const { rows } = await sql<{ key: string }>`
    select object_type || ':' || source_id as key from source_records where connection_id = ${connection} and deleted_at is not null order by 1`.execute(db)
  return rows.map((row) => row.key)
}

async function runRow(db: TestDatabase['db'], runId: number): Promise<{ status: string; error: unknown }> {
  return db.selectFrom('sync_runs').select(['status', 'error']).where('id', '=', runId).executeTakeFirstOrThrow()
}

describe.each(databaseTargets())('partial reads delete nothing on the $name database', (target) => {
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

  describe('Slack full streams', () => {
    const streams = [
      { stream: 'users', method: 'users.list', objectType: 'user', items: (workspace: SlackWorkspace) => workspace.users },
      { stream: 'conversations', method: 'conversations.list', objectType: 'channel', items: (workspace: SlackWorkspace) => workspace.conversations },
    ] as const
    const faults: { name: string; fault: SlackFault; code: string }[] = [
      { name: 'HTTP 500 past every retry', fault: { type: 'http_error', status: 500 }, code: 'E_SOURCE_UNAVAILABLE' },
      { name: 'a refused cursor', fault: { type: 'error', error: 'invalid_cursor' }, code: 'E_SOURCE' },
    ]
    const cases = streams.flatMap((stream) => faults.map((fault) => ({ ...stream, ...fault })))

    it.each(cases)('$stream: page 7 of 10 or more failing with $name tombstones nothing; a later complete read marks only what is gone', async ({ stream, method, objectType, items, fault, code }) => {
      const workspace = await loadSlackWorkspace(slackExport)
      const fake: SlackFake = await startSlackFake({ workspace, tokens: [SLACK_TOKEN] })
      try {
        const text = `connections:\n  acme-slack:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n`
        const entry: ConnectionEntry = parseConnectionsFile(text, 'customer-graph.yaml', { SLACK_TOKEN }, catalogOf()).connections['acme-slack']!
        const deps: Deps = { db: database.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
        const sync = (request: Partial<SyncRequest> = {}): Promise<SyncReport> =>
          runSync(deps, { connection: entry, streams: [stream], sleep: () => Promise.resolve(), deletion: NO_GUARD, ...request })
        const size = pageSizeFor(items(workspace).size)
        fake.state.capPageSize(method, size)

        const first = await sync()
        expect(first.status).toBe('succeeded')
        expect(first.streams[0]).toMatchObject({ pages: pagesOf(items(workspace).size), fromStart: true })
        expect(first.streams[0]!.pages).toBeGreaterThanOrEqual(PAGES)
        // Records the source itself says are deleted (none in this workspace, but they would stay so).
        const before = await deletedRecords(database.db, 'acme-slack')
        // Gone from the source since: two of page 2. (A conversation's members go with it.)
        const gone = [...items(workspace).keys()].slice(size, size + 2)
        for (const id of gone) items(workspace).delete(id)

        // The complete read breaks on page 7: the fault hits every request for it from then on.
        const broken = await sync({
          onProgress: (progress) => {
            if (progress.pages === FAILING_PAGE - 1) fake.state.inject(method, fault, Number.POSITIVE_INFINITY)
          },
        })
        fake.state.clearFaults()
        expect(broken.status).toBe('failed')
        expect(broken.streams[0]).toMatchObject({ status: 'failed', pages: FAILING_PAGE - 1, deletions: [] })
        expect(broken.streams[0]!.errors.at(-1)).toMatchObject({ code, location: { endpoint: method } })
        expect(await runRow(database.db, broken.runId)).toMatchObject({ status: 'failed', error: { code } })
        expect(await deletedRecords(database.db, 'acme-slack')).toEqual(before)

        // The next sync resumes at page 7: a complete pass, but not read from the start in one run.
        const resumed = await sync()
        expect(resumed.streams[0]).toMatchObject({ status: 'succeeded', fromStart: false, deletions: [] })
        expect(await deletedRecords(database.db, 'acme-slack')).toEqual(before)

        // A complete read from the start: exactly what is gone, with its evidence.
        const complete = await sync()
        expect(complete.streams[0]).toMatchObject({ status: 'succeeded', fromStart: true })
        const deleted = (await deletedRecords(database.db, 'acme-slack')).filter((key) => !before.includes(key))
        expect(deleted.filter((key) => key.startsWith(`${objectType}:`))).toEqual(gone.map((id) => `${objectType}:${id}`).sort())
        expect(deleted.every((key) => key.startsWith(`${objectType}:`) || (objectType === 'channel' && gone.some((id) => key.startsWith(`channel_member:${id}`))))).toBe(true)
        const { rows } = await sql<{ reason: string }>`
          select distinct deletion_evidence->>'reason' as reason from source_records where deleted_at is not null and last_run_id = ${complete.runId}`.execute(database.db)
        expect(rows).toEqual([{ reason: 'missing_from_complete_export' }])
      } finally {
        await fake.close()
      }
    })
  })

  describe('Salesforce objects read from the start', () => {
    const CONNECTION = 'sf'
    /** Lead has 29 records in the generated org: 3 a page is 10 pages (REST and Bulk). */
    const OBJECT = 'Lead'

    function connection(fake: SalesforceFake, settings: Record<string, unknown>): ConnectionEntry {
      const { clientId, clientSecret } = fake.state.credentials
      const auth = { type: 'oauth_refresh', clientId: new Secret('SF_CLIENT_ID', clientId), clientSecret: new Secret('SF_CLIENT_SECRET', clientSecret), refreshToken: new Secret('SF_REFRESH_TOKEN', fake.refreshToken) }
      return {
        name: CONNECTION,
        connector: salesforceApiConnector,
        settings: salesforceApiConnector.settings.parse({ instanceUrl: fake.instanceUrl, loginUrl: fake.loginUrl, auth, bulkPollIntervalMs: 5, ...settings }),
        streams: [OBJECT],
        schedule: undefined,
        runTimeoutMs: 3_600_000,
        retries: 8,
        requestTimeoutMs: 5_000,
        concurrency: 4,
        maxRateLimitWaitMs: 300_000,
      }
    }

    it.each([
      { path: 'REST queryAll', bulk: false, pagePath: /\/query\/01g/, endpoint: `${OBJECT} queryAll next` },
      { path: 'a Bulk API 2.0 job', bulk: true, pagePath: /\/results$/, endpoint: `${OBJECT} bulk2 results` },
    ])('through $path: page 7 of 10 failing past every retry tombstones nothing; a later full read marks only what is gone', async ({ bulk, pagePath, endpoint }) => {
      const fake = await startSalesforceFake({ exportFolder: salesforceExport, now: NOW })
      try {
        const size = pageSizeFor(fake.state.org.records(OBJECT).length)
        fake.state.queryPageSize = size
        const entry = connection(fake, bulk ? { bulkThreshold: 1, bulkPageSize: size } : {})
        const deps: Deps = { db: database.db, clock: fake.state.org.clock, logger: createLogger('silent') }
        const sync = (request: Partial<SyncRequest> = {}): Promise<SyncReport> => runSync(deps, { connection: entry, sleep: () => Promise.resolve(), deletion: NO_GUARD, ...request })

        const first = await sync()
        expect(first.status).toBe('succeeded')
        // A Bulk load commits the job's id as a page of its own before its ten results pages.
        expect(first.streams[0]).toMatchObject({ pages: PAGES + (bulk ? 1 : 0), fromStart: true, deletions: [{ objectType: OBJECT, missing: 0 }] })
        const before = await deletedRecords(database.db, CONNECTION)
        // Emptied from the recycle bin since: only a complete read can tell.
        const gone = fake.state.org.records(OBJECT).slice(size, size + 2).map((record) => String(record.Id))
        for (const id of gone) fake.state.org.hardDelete(OBJECT, id)
        fake.state.org.clock.advance(10 * 60_000)

        const broken = await sync({
          full: true,
          onProgress: (progress) => {
            if (progress.pages === FAILING_PAGE - 1 + (bulk ? 1 : 0)) fake.state.failNext(1000, 500, pagePath)
          },
        })
        fake.state.faults.length = 0
        expect(broken.status).toBe('failed')
        expect(broken.streams[0]).toMatchObject({ status: 'failed', fromStart: true, deletions: [] })
        expect(broken.streams[0]!.errors.at(-1)).toMatchObject({ code: 'E_SOURCE_UNAVAILABLE', location: { endpoint } })
        expect(fake.state.calls.filter((call) => call.fault === 'serverError')).toHaveLength(6)
        expect(await runRow(database.db, broken.runId)).toMatchObject({ status: 'failed', error: { code: 'E_SOURCE_UNAVAILABLE' } })
        expect(await deletedRecords(database.db, CONNECTION)).toEqual(before)

        const complete = await sync({ full: true })
        expect(complete.streams[0]).toMatchObject({ status: 'succeeded', fromStart: true, deletions: [{ objectType: OBJECT, missing: 2, applied: true }] })
        expect(await deletedRecords(database.db, CONNECTION)).toEqual([...before, ...gone.map((id) => `${OBJECT}:${id}`)].sort())
      } finally {
        await fake.close()
      }
    })
  })

  describe('Salesforce export ZIP', () => {
    const CONNECTION = 'sf-export'

    /** The generated export as ZIP entries, one deflated CSV per object; `contact` replaces Contact.csv's bytes. */
    async function exportEntries(contact?: (csv: Buffer) => Partial<RawZipEntry>): Promise<RawZipEntry[]> {
      const files = (await readdir(salesforceExport)).filter((name) => name.endsWith('.csv')).sort()
      return Promise.all(
        files.map(async (name) => {
          const content = await readFile(path.join(salesforceExport, name))
          return { name, content, deflate: true, ...(name === 'Contact.csv' && contact ? contact(content) : {}) }
        }),
      )
    }

    async function importZip(name: string, entries: RawZipEntry[]): Promise<ImportReport> {
      const file = path.join(work, `${target.name}-${name}.zip`)
      await writeFile(file, rawZipBytes(entries))
      const deps: Deps = { db: database.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
      return runImport(deps, { connector: salesforceConnector, path: file, openSource: () => openExportSource(file), connectionId: CONNECTION, deletion: NO_GUARD })
    }

    /** Contact.csv without two of its live records (IsDeleted "false"): gone from the org since the first export. */
    function withoutTwo(csv: Buffer): { csv: Buffer; gone: string[] } {
      const lines = csv.toString('utf8').split('\n')
      const live = lines.flatMap((line, index) => (index > 0 && /^"\w{18}","false",/.test(line) ? [index] : [])).slice(0, 2)
      const gone = live.map((index) => `Contact:${lines[index]!.slice(1, 19)}`)
      return { csv: Buffer.from(lines.filter((_, index) => !live.includes(index)).join('\n')), gone }
    }

    it('a Contact.csv cut off mid-row, or whose compressed bytes end midway, tombstones nothing; the complete export then marks only what is gone', async () => {
      const first = await importZip('complete', await exportEntries())
      expect(first.status).toBe('succeeded')
      // Records the export itself flags deleted (IsDeleted "true"): deleted from the start.
      const before = await deletedRecords(database.db, CONNECTION)
      const contacts = await readFile(path.join(salesforceExport, 'Contact.csv'))
      const { csv: smaller, gone } = withoutTwo(contacts)

      // Cut in the middle of a row two thirds in: the rows after it are unseen, not gone.
      const cutAt = smaller.indexOf('","', Math.floor(smaller.length * 0.66)) + 2
      const cut = await importZip('cut-row', await exportEntries(() => ({ content: smaller.subarray(0, cutAt) })))
      expect(cut.status).toBe('partial')
      expect(cut.errors.map((error) => error.code)).toContain('E_CSV_COLUMNS')
      expect(cut.deletions.map((decision) => decision.objectType)).not.toContain('Contact')
      expect(cut.records.deleted).toBe(0)
      expect(await deletedRecords(database.db, CONNECTION)).toEqual(before)

      // A download cut short inside the entry: the inflater runs out of input partway through the file.
      const deflated = (await import('node:zlib')).deflateRawSync(smaller)
      const broken = await importZip('corrupt-entry', await exportEntries(() => ({ content: smaller, deflate: deflated.subarray(0, Math.floor(deflated.length / 2)) })))
      expect(['partial', 'failed']).toContain(broken.status)
      expect(broken.errors.map((error) => error.code)).toContain('E_ARCHIVE_CORRUPT')
      expect(broken.records.read).toBeGreaterThan(0)
      expect(broken.deletions.map((decision) => decision.objectType)).not.toContain('Contact')
      expect(broken.records.deleted).toBe(0)
      expect(await deletedRecords(database.db, CONNECTION)).toEqual(before)

      const complete = await importZip('smaller', await exportEntries(() => ({ content: smaller })))
      expect(complete.status).toBe('succeeded')
      expect(complete.records.deleted).toBe(2)
      expect(await deletedRecords(database.db, CONNECTION)).toEqual([...before, ...gone].sort())
    })
  })
})
