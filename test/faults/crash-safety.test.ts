/**
 * Crash safety, by injecting the faults (`npm run test:faults`, on the PostgreSQL server):
 * - an import and a sync SIGKILLed at seeded random moments, then run again, leave the store equal to
 *   a clean run row for row (no record lost, none doubled, no half page);
 * - an import whose database connections are terminated mid-batch (pg_terminate_backend) stops with a
 *   coded error, and what it landed is whole pages; run again, the store equals a clean run.
 * The moments come from a seeded generator, so a failure names a point that can be replayed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSlackFake, type SlackFake } from '../fakes/slack/slack-fake.ts'
import { loadSlackWorkspace } from '../fakes/slack/workspace.ts'
import { startCliService } from '../support/cli-service.ts'
import { runCliProcess } from '../support/run-cli.ts'
import { cliDatabase, databaseTargets } from '../support/test-databases.ts'

const POINTS = Number(process.env.FAULT_POINTS ?? 20)
const TOKEN = 'xoxb-faults-canary-77aa'
let work: string
/** A company for the imports, and a smaller one whose Slack workspace the fake serves (a sync makes a request per channel). */
let company: string
let slackCompany: string

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'faults-'))
  company = path.join(work, 'company')
  slackCompany = path.join(work, 'slack-company')
  for (const [dir, people] of [[company, '600'], [slackCompany, '120']] as const) {
    const generated = await runCliProcess(['generate', dir, '--people', people, '--seed', '17'], { cwd: work, timeoutMs: 120_000 })
    expect(generated.code, generated.stderr).toBe(0)
  }
}, 180_000)

/** Runs a command to completion and says how long it took, start-up included. */
async function timed(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now()
  const result = await runCliProcess(args, { ...options, timeoutMs: 120_000 })
  return { ...result, ms: Date.now() - started }
}

/** Starts `args`, kills it with SIGKILL after `ms`, and waits for it to be gone. */
async function killAfter(args: string[], options: { cwd: string; env: Record<string, string> }, ms: number): Promise<void> {
  const victim = startCliService(args, options)
  await new Promise((resolve) => setTimeout(resolve, ms))
  victim.signal('SIGKILL')
  await victim.exited
}
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** Mulberry32: the same seed gives the same kill points. */
function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** What the store holds for a connection, as rows to compare: every record's type, id, content and state. */
async function snapshot(url: string, connection: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const records = await client.query<{ row: string }>(
      `select concat_ws('|', object_type, source_id, content_hash, deleted_at is null) as row from source_records where connection_id = $1 order by 1`,
      [connection],
    )
    const canonical = await client.query<{ row: string }>(
      `select concat_ws('|', s.object_type, s.source_id, c.kind, md5(c.data::text)) as row from canonical_records c join source_records s on s.id = c.source_record_id
       where s.connection_id = $1 order by 1`,
      [connection],
    )
    return [...records.rows.map((row) => `record ${row.row}`), ...canonical.rows.map((row) => `canonical ${row.row}`)]
  } finally {
    await client.end()
  }
}

describe.each(databaseTargets().filter((target) => target.name === 'server'))('crash safety on the $name database', (target) => {
  let database: { env: Record<string, string>; drop: () => Promise<void> }
  let cwd: string
  let fake: SlackFake

  beforeAll(async () => {
    database = await cliDatabase(target)
    cwd = await mkdtemp(path.join(work, 'run-'))
    expect((await runCliProcess(['migrate'], { cwd, env: database.env })).code).toBe(0)
    fake = await startSlackFake({ workspace: await loadSlackWorkspace(path.join(slackCompany, 'slack')), tokens: [TOKEN] })
  }, 60_000)
  afterAll(async () => {
    await fake?.close()
    await database?.drop()
  })

  const importInto = (connection: string) => ['import', 'salesforce', path.join(company, 'salesforce'), '--connection', connection, '--no-resolve', '--json']
  /** One clean import, the reference every faulted import must end equal to, and how long it took. */
  let reference: Promise<{ rows: string[]; ms: number }> | undefined
  const cleanImport = () =>
    (reference ??= (async () => {
      const clean = await timed(importInto('clean-import'), { cwd, env: database.env })
      expect(clean.code, clean.stderr).toBe(0)
      return { rows: await snapshot(database.env.DATABASE_URL!, 'clean-import'), ms: clean.ms }
    })())

  it(`an import SIGKILLed at ${POINTS} seeded moments and run again equals a clean import`, async () => {
    const { rows: expected, ms } = await cleanImport()
    const random = seeded(20261207)
    for (let point = 0; point < POINTS; point++) {
      const connection = `killed-import-${point}`
      // Anywhere in a clean run's time, start-up included.
      await killAfter(importInto(connection), { cwd, env: database.env }, 200 + random() * ms)
      const rerun = await runCliProcess(importInto(connection), { cwd, env: database.env, timeoutMs: 120_000 })
      expect(rerun.code, `point ${point}: ${rerun.stderr}`).toBe(0)
      expect(await snapshot(database.env.DATABASE_URL!, connection), `point ${point}`).toEqual(expected)
    }
  }, 900_000)

  it(`a sync SIGKILLed at ${POINTS} seeded moments and run again equals a clean sync`, async () => {
    const config = path.join(cwd, 'customer-graph.yaml')
    const entry = (name: string) => `  ${name}:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n    pageSize: 20\n`
    const names = Array.from({ length: POINTS }, (_, point) => `killed-sync-${point}`)
    await writeFile(config, `connections:\n${entry('clean-sync')}${names.map(entry).join('')}`)
    const env = { ...database.env, SLACK_TOKEN: TOKEN, CUSTOMER_GRAPH_CONFIG: config }
    const sync = (name: string) => ['sync', '--only', name, '--no-resolve', '--json']
    const clean = await timed(sync('clean-sync'), { cwd, env })
    expect(clean.code, clean.stderr).toBe(0)
    const expected = await snapshot(database.env.DATABASE_URL!, 'clean-sync')
    const random = seeded(7)
    for (const [point, name] of names.entries()) {
      await killAfter(sync(name), { cwd, env }, 200 + random() * clean.ms)
      const rerun = await runCliProcess(sync(name), { cwd, env, timeoutMs: 120_000 })
      expect(rerun.code, `point ${point}: ${rerun.stdout}`).toBe(0)
      expect(await snapshot(database.env.DATABASE_URL!, name), `point ${point}`).toEqual(expected)
    }
    expect(JSON.stringify(await snapshot(database.env.DATABASE_URL!, names[0]!))).not.toContain('canary')
  }, 900_000)

  it('an import whose connections are terminated mid-batch stops with a code, lands whole pages only, and converges when run again', async () => {
    const { rows: expected, ms } = await cleanImport()
    const admin = new pg.Client({ connectionString: database.env.DATABASE_URL })
    await admin.connect()
    const database_name = new URL(database.env.DATABASE_URL!).pathname.slice(1)
    const random = seeded(99)
    try {
      for (let point = 0; point < Math.min(POINTS, 8); point++) {
        const connection = `terminated-${point}`
        const victim = startCliService(importInto(connection), { cwd, env: database.env })
        await new Promise((resolve) => setTimeout(resolve, 200 + random() * ms))
        await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [database_name])
        const code = await victim.exited
        // Either it had finished, or it stopped with a coded error (never a hang, never a crash trace).
        if (code !== 0) expect(victim.stdout() + victim.stderr(), `point ${point}`).toMatch(/"code":"E_[A-Z_]+"|E_[A-Z_]+ /)
        // Whatever landed is whole: every landed record has its canonical records (written in the same transaction).
        const { rows } = await admin.query<{ orphans: number }>(
          `select count(*)::int as orphans from source_records s where s.connection_id = $1 and not exists (select 1 from canonical_records c where c.source_record_id = s.id) and s.normalize_issues is null`,
          [connection],
        )
        expect(rows[0]!.orphans, `point ${point}`).toBe(0)
        const rerun = await runCliProcess(importInto(connection), { cwd, env: database.env, timeoutMs: 120_000 })
        expect(rerun.code, `point ${point}: ${rerun.stderr}`).toBe(0)
        expect(await snapshot(database.env.DATABASE_URL!, connection), `point ${point}`).toEqual(expected)
      }
    } finally {
      await admin.end()
    }
  }, 900_000)
})
