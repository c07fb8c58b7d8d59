/**
 * Crash safety, by injecting the faults (`npm run test:faults`): on the embedded database (PGlite in
 * a data folder) always, on the PostgreSQL server when DATABASE_URL is set:
 * - an import and a sync SIGKILLed at seeded random moments, then run again, leave the store equal to
 *   a clean run row for row (no record lost, none doubled, no half page); on the embedded database
 *   the moments include the engine's start and its recovery of the folder the last kill left;
 * - embedded: the first start in a new data folder (initdb, then migrations) SIGKILLed while it
 *   writes the folder, then run again, gives a working store;
 * - server: an import whose database connections are terminated mid-batch (pg_terminate_backend)
 *   stops with a coded error, and what it landed is whole pages; run again, the store equals a clean run.
 * The moments come from a seeded generator, so a failure names a point that can be replayed.
 */
import { readdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Kysely } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/open-database.ts'
import type { DB } from '../../src/schema/database.ts'
import { startSlackFake, type SlackFake } from '../fakes/slack/slack-fake.ts'
import { loadSlackWorkspace } from '../fakes/slack/workspace.ts'
import { startCliService } from '../support/cli-service.ts'
import { runCliProcess } from '../support/run-cli.ts'
import { storeSnapshot } from '../support/store-snapshot.ts'
import { cliDatabase, databaseTargets } from '../support/test-databases.ts'

const POINTS = Number(process.env.FAULT_POINTS ?? 20)
/**
 * How the SIGKILL loops spend their points. On the server each killed run is run again to the end
 * before the next point. Every embedded run starts PGlite, which makes it about 2.5 times as slow, so
 * the embedded loops take 2/5 of the points and kill four runs of a connection in a row before its
 * rerun: each kill after the first lands on a folder still to be recovered from the last one (in the
 * engine's start, its WAL replay, or the resumed import), and the loops stay within CI's time.
 */
const killPlan = (target: { name: string }): { kills: number; inARow: number } =>
  target.name === 'embedded' ? { kills: Math.ceil((POINTS * 2) / 5), inARow: 4 } : { kills: POINTS, inARow: 1 }
/** First starts of a new embedded data folder killed (each costs two first starts: about ten seconds). */
const FIRST_START_POINTS = Math.min(POINTS, 3)
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

const importInto = (connection: string) => ['import', 'salesforce', path.join(company, 'salesforce'), '--connection', connection, '--no-resolve', '--json']

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

/**
 * The store the CLI processes write: a server database, or an embedded data folder in the run's
 * working directory (the CLI's default ./.customer-graph). `read` opens it from the test process once
 * the processes have ended, as the next process to open it would.
 */
interface FaultStore {
  env: Record<string, string>
  read<T>(work: (db: Kysely<DB>) => Promise<T>): Promise<T>
  drop(): Promise<void>
}

async function faultStore(target: { name: string }, cwd: string): Promise<FaultStore> {
  const database = await cliDatabase(target)
  const config = database.env.DATABASE_URL ? ({ mode: 'server', url: database.env.DATABASE_URL } as const) : ({ mode: 'embedded', dataDir: path.join(cwd, '.customer-graph') } as const)
  return {
    env: database.env,
    async read(work) {
      const opened = await openDatabase(config)
      try {
        return await work(opened.db)
      } finally {
        await opened.close()
      }
    },
    drop: () => database.drop(),
  }
}

/** Each faulted connection's store next to the clean one's, read in one opening of the store. */
async function expectEqualToClean(store: FaultStore, clean: string, faulted: readonly string[]): Promise<void> {
  await store.read(async (db) => {
    const expected = await storeSnapshot(db, clean)
    expect(expected.length).toBeGreaterThan(100)
    for (const [point, connection] of faulted.entries()) expect(await storeSnapshot(db, connection), `point ${point} (${connection})`).toEqual(expected)
  })
}

describe.each(databaseTargets())('crash safety on the $name database', (target) => {
  let store: FaultStore
  let cwd: string
  let fake: SlackFake
  const { kills, inARow } = killPlan(target)
  const inARowNote = inARow > 1 ? `, ${inARow} in a row before each rerun,` : ''

  /**
   * Kills `run(connection)` at seeded moments within `ms` (start-up included), `inARow` times per
   * connection, then runs it again to the end; returns the connections, each to compare with the clean run.
   */
  async function killLoop(seed: number, prefix: string, ms: number, options: { cwd: string; env: Record<string, string> }, run: (connection: string) => string[]): Promise<string[]> {
    const random = seeded(seed)
    const connections: string[] = []
    for (let point = 0; point < kills; point++) {
      const connection = `${prefix}-${Math.floor(point / inARow)}`
      if (!connections.includes(connection)) connections.push(connection)
      await killAfter(run(connection), options, 200 + random() * ms)
      if ((point + 1) % inARow !== 0 && point !== kills - 1) continue
      const rerun = await runCliProcess(run(connection), { ...options, timeoutMs: 120_000 })
      expect(rerun.code, `point ${point} (${connection}): ${rerun.stderr}${rerun.stdout}`).toBe(0)
    }
    return connections
  }

  beforeAll(async () => {
    cwd = await mkdtemp(path.join(work, 'run-'))
    store = await faultStore(target, cwd)
    expect((await runCliProcess(['migrate'], { cwd, env: store.env })).code).toBe(0)
    fake = await startSlackFake({ workspace: await loadSlackWorkspace(path.join(slackCompany, 'slack')), tokens: [TOKEN] })
  }, 60_000)
  afterAll(async () => {
    await fake?.close()
    await store?.drop()
  })

  it(`an import SIGKILLed at ${kills} seeded moments${inARowNote} and run again equals a clean import`, async () => {
    const clean = await timed(importInto('clean-import'), { cwd, env: store.env })
    expect(clean.code, clean.stderr).toBe(0)
    const killed = await killLoop(20261207, 'killed-import', clean.ms, { cwd, env: store.env }, importInto)
    await expectEqualToClean(store, 'clean-import', killed)
  }, 900_000)

  it(`a sync SIGKILLed at ${kills} seeded moments${inARowNote} and run again equals a clean sync`, async () => {
    const config = path.join(cwd, 'customer-graph.yaml')
    const entry = (name: string) => `  ${name}:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n    pageSize: 20\n`
    const names = Array.from({ length: Math.ceil(kills / inARow) }, (_, index) => `killed-sync-${index}`)
    await writeFile(config, `connections:\n${entry('clean-sync')}${names.map(entry).join('')}`)
    const env = { ...store.env, SLACK_TOKEN: TOKEN, CUSTOMER_GRAPH_CONFIG: config }
    const sync = (name: string) => ['sync', '--only', name, '--no-resolve', '--json']
    const clean = await timed(sync('clean-sync'), { cwd, env })
    expect(clean.code, clean.stderr).toBe(0)
    const killed = await killLoop(7, 'killed-sync', clean.ms, { cwd, env }, sync)
    expect(killed).toEqual(names)
    await expectEqualToClean(store, 'clean-sync', killed)
    expect(JSON.stringify(await store.read((db) => storeSnapshot(db, killed[0]!)))).not.toContain('canary')
  }, 900_000)
})

describe.each(databaseTargets().filter((target) => target.name === 'embedded'))('a first start in a new data folder on the $name database', () => {
  /** Entries under pgdata/ so far: initdb's files appear over about half a second, late in the first start. */
  const written = (dataDir: string): number => {
    try {
      return readdirSync(path.join(dataDir, 'pgdata'), { recursive: true }).length
    } catch {
      return 0
    }
  }

  it(`SIGKILLed at ${FIRST_START_POINTS} seeded moments while it writes the folder, then run again, gives a working store`, async () => {
    const root = await mkdtemp(path.join(work, 'first-start-'))
    const complete = path.join(root, 'complete')
    expect((await runCliProcess(['migrate', '--data-dir', complete], { cwd: root, timeoutMs: 120_000 })).code).toBe(0)
    const files = written(complete)
    const random = seeded(31)
    for (let point = 0; point < FIRST_START_POINTS; point++) {
      const dataDir = path.join(root, `killed-${point}`)
      // Killed once the folder holds a seeded share of what a finished first start leaves: initdb's
      // files (written last, after seconds of writing nothing), then the tables of the migrations.
      // Stratified: one moment in each equal part of the first start's writing, seeded within it.
      const share = 0.02 + ((point + random()) / FIRST_START_POINTS) * 0.96
      const victim = startCliService(['migrate', '--data-dir', dataDir], { cwd: root, env: {} })
      while (victim.process.exitCode === null && written(dataDir) < share * files) await new Promise((resolve) => setTimeout(resolve, 2))
      victim.signal('SIGKILL')
      await victim.exited
      const rerun = await runCliProcess(['migrate', '--data-dir', dataDir], { cwd: root, timeoutMs: 120_000 })
      expect(rerun.code, `point ${point} (${Math.round(share * 100)}% of the files): ${rerun.stderr}`).toBe(0)
      const imported = await runCliProcess(['import', 'salesforce', path.join(company, 'salesforce', 'Account.csv'), '--data-dir', dataDir, '--no-resolve', '--json'], { cwd: root, timeoutMs: 120_000 })
      expect(imported.code, `point ${point}: ${imported.stderr}`).toBe(0)
    }
  }, 900_000)
})

describe.each(databaseTargets().filter((target) => target.name === 'server'))('terminated connections on the $name database', (target) => {
  let database: { env: Record<string, string>; drop: () => Promise<void> }
  let cwd: string

  beforeAll(async () => {
    database = await cliDatabase(target)
    cwd = await mkdtemp(path.join(work, 'run-'))
    expect((await runCliProcess(['migrate'], { cwd, env: database.env })).code).toBe(0)
  }, 60_000)
  afterAll(async () => {
    await database?.drop()
  })
  const snapshot = async (connection: string): Promise<string[]> => {
    const opened = await openDatabase({ mode: 'server', url: database.env.DATABASE_URL! })
    try {
      return await storeSnapshot(opened.db, connection)
    } finally {
      await opened.close()
    }
  }

  it('an import whose connections are terminated mid-batch stops with a code, lands whole pages only, and converges when run again', async () => {
    const clean = await timed(importInto('clean-import'), { cwd, env: database.env })
    expect(clean.code, clean.stderr).toBe(0)
    const expected = await snapshot('clean-import')
    const ms = clean.ms
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
        expect(await snapshot(connection), `point ${point}`).toEqual(expected)
      }
    } finally {
      await admin.end()
    }
  }, 900_000)
})
