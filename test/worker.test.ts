/**
 * `customer-graph worker` on graphile-worker against the PostgreSQL server: real worker processes of
 * the CLI, the Slack fake as the API. One schedule tick with three workers runs each stream exactly
 * once; a terminal error is not retried and `status` says why; a stuck source fails within the run's
 * bound; a worker stopped with SIGTERM drops its page cleanly and one killed with SIGKILL has its job
 * taken over, and the store ends equal to an uninterrupted sync.
 *
 * A tick is made deterministic without waiting for the clock: each schedule matches one minute that
 * has just passed, and graphile-worker is told (in its known_crontabs table) that the schedule was
 * known since before it, so a starting worker queues that one missed tick — the same path, with the
 * same once-only bookkeeping across workers, as a tick on time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { makeWorkerUtils, runMigrations } from 'graphile-worker'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest'
import { SYNC_TASK, syncJobSpec } from '../src/worker/queue-names.ts'
import { startSlackFake, type SlackFake } from './fakes/slack/slack-fake.ts'
import { loadSlackWorkspace } from './fakes/slack/workspace.ts'
import { eventually, startCliService, type CliService } from './support/cli-service.ts'
import { runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

const TOKEN = 'xoxb-worker-canary-9c2d'
let work: string
let company: string

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'worker-'))
  company = path.join(work, 'company')
  const generated = await runCliProcess(['generate', company, '--people', '40', '--seed', '3'], { cwd: work })
  expect(generated.code, generated.stderr).toBe(0)
}, 120_000)
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('worker on the embedded database', () => {
  it('explains in one line that it needs a server', async () => {
    const cwd = await mkdtemp(path.join(work, 'embedded-'))
    const result = await runCliProcess(['worker'], { cwd })
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/E_USAGE worker needs a PostgreSQL server \(set DATABASE_URL\); on the embedded database run customer-graph sync --every 15m/)
  })
})

/** A cron expression that matches only the minute before the current one (UTC). */
function lastMinute(): { cron: string; at: Date } {
  const at = new Date()
  at.setUTCSeconds(0, 0)
  at.setUTCMinutes(at.getUTCMinutes() - 1)
  return { cron: `${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`, at }
}

interface RunRow {
  id: number
  connection_id: string
  stream: string
  trigger: string
  status: string
  error: { code: string; message: string } | null
  started_at: Date
  finished_at: Date | null
}

describe.each(databaseTargets().filter((target) => target.name === 'server'))('worker on the $name database', (target) => {
  let fake: SlackFake
  let database: { env: Record<string, string>; drop: () => Promise<void> }
  let client: pg.Client
  const workers: CliService[] = []

  beforeAll(async () => {
    fake = await startSlackFake({ workspace: await loadSlackWorkspace(path.join(company, 'slack')), tokens: [TOKEN] })
    database = await cliDatabase(target)
    client = new pg.Client({ connectionString: database.env.DATABASE_URL })
    await client.connect()
    const migrated = await runCliProcess(['migrate'], { cwd: work, env: database.env })
    expect(migrated.code, migrated.stderr).toBe(0)
    await runMigrations({ connectionString: database.env.DATABASE_URL! })
  }, 60_000)
  beforeEach(() => {
    onTestFailed(() => {
      for (const [index, worker] of workers.entries()) console.error(`worker ${index} stderr:\n${worker.stderr().slice(-6000)}`)
    })
  })
  afterAll(async () => {
    for (const worker of workers) worker.signal('SIGKILL')
    await Promise.all(workers.map((worker) => worker.exited))
    await client?.end()
    await fake?.close()
    await database?.drop()
  })

  async function writeConfig(body: string): Promise<{ cwd: string; env: Record<string, string> }> {
    const cwd = await mkdtemp(path.join(work, 'run-'))
    await writeFile(path.join(cwd, 'customer-graph.yaml'), `connections:\n${body}`)
    return { cwd, env: { ...database.env, SLACK_TOKEN: TOKEN, WRONG_TOKEN: 'xoxb-wrong-canary' } }
  }

  /** graphile-worker learns the schedules were known for ten minutes, so a starting worker queues the tick at `at`. */
  async function knownSince(identifiers: string[], at: Date): Promise<void> {
    await client.query(
      `insert into graphile_worker._private_known_crontabs (identifier, known_since) select unnest($1::text[]), $2
       on conflict (identifier) do update set known_since = excluded.known_since, last_execution = null`,
      [identifiers, new Date(at.getTime() - 10 * 60_000)],
    )
  }

  function startWorker(run: { cwd: string; env: Record<string, string> }): CliService {
    const worker = startCliService(['worker', '--log-level', 'info', '--concurrency', '2'], run)
    workers.push(worker)
    return worker
  }

  const runsOf = async (connection: string) =>
    (await client.query<RunRow>('select * from sync_runs where connection_id = $1 order by id', [connection])).rows
  const jobsOf = async (connection: string) =>
    (await client.query<{ attempts: number; locked_at: Date | null; last_error: string | null; run_at: Date; updated_at: Date }>(`select * from graphile_worker.jobs where queue_name = $1`, [`sync:${connection}`])).rows

  it('one tick with three workers: each stream runs exactly once, in order; a passing failure is retried with backoff, a terminal one is not; a stuck source fails within its bound', async () => {
    const tick = lastMinute()
    const run = await writeConfig(
      [
        `  acme:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n    schedule: "${tick.cron}"\n`,
        `  refused:\n    system: slack\n    token: \${WRONG_TOKEN}\n    apiUrl: ${fake.url}\n    streams: [users]\n    schedule: "${tick.cron}"\n`,
        // Another process is syncing it (the test holds its lock): E_ALREADY_RUNNING, which may pass.
        `  held:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n    streams: [users]\n    schedule: "${tick.cron}"\n`,
        // A source that accepts the request and never answers: only the run's bound ends it.
        `  stuck:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: http://127.0.0.1:${await hangingPort()}/api/\n    streams: [users]\n    schedule: "${tick.cron}"\n    runTimeoutMs: 2000\n    requestTimeoutMs: 600000\n`,
      ].join(''),
    )
    await client.query(`select pg_advisory_lock(hashtext('customer-graph:run:held'))`)
    // A job queued by a worker whose connections file names a connection these workers do not know.
    const utils = await makeWorkerUtils({ connectionString: database.env.DATABASE_URL! })
    await utils.addJob(SYNC_TASK, { connection: 'ghost', stream: 'users' }, syncJobSpec('ghost', 'users', { priority: 0, maxAttempts: 3 }))
    await utils.release()
    await knownSince(['sync:acme:users', 'sync:acme:conversations', 'sync:acme:history', 'sync:refused:users', 'sync:held:users', 'sync:stuck:users'], tick.at)
    const three = [startWorker(run), startWorker(run), startWorker(run)]

    await eventually('the tick to be done but for the held connection', async () => {
      const runs = (await client.query<RunRow>(`select * from sync_runs where trigger = 'schedule' and finished_at is not null`)).rows
      const [held] = await jobsOf('held')
      return runs.length === 5 && (await jobsOf('acme')).length === 0 && held?.last_error !== null && held?.attempts === 1
    })
    const [held] = await jobsOf('held')
    expect(held!.last_error).toMatch(/E_ALREADY_RUNNING/)
    // graphile-worker's backoff: exp(attempts) seconds after the failure.
    expect(held!.run_at.getTime() - held!.updated_at.getTime()).toBeGreaterThan(2_000)
    const waiting = JSON.parse((await runCliProcess(['status', '--json'], run)).stdout) as { connections: { connection: string; backlog: unknown }[] }
    expect(waiting.connections.find((row) => row.connection === 'held')).toMatchObject({ backlog: { retrying: 1, running: 0, lastError: expect.stringMatching(/E_ALREADY_RUNNING/) } })

    // The unknown connection's job is not dropped: it waits for a worker that knows it.
    const [ghost, ...others] = await jobsOf('ghost')
    expect(others).toHaveLength(0)
    expect(ghost!.attempts).toBeGreaterThanOrEqual(1)
    expect(ghost!.last_error).toMatch(/E_CONFIG connection "ghost" is not in this worker's connections file/)
    await client.query(`delete from graphile_worker._private_jobs where key = 'sync:ghost:users'`)
    await client.query(`select pg_advisory_unlock(hashtext('customer-graph:run:held'))`)
    await eventually('the retry to succeed', async () => (await jobsOf('held')).length === 0)
    // Nothing more comes: no second run of any stream.
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    for (const worker of three) worker.signal('SIGTERM')
    expect(await Promise.all(three.map((worker) => worker.exited))).toEqual([0, 0, 0])

    const acme = await runsOf('acme')
    expect(acme.map((row) => [row.stream, row.trigger, row.status])).toEqual([
      ['users', 'schedule', 'succeeded'],
      ['conversations', 'schedule', 'succeeded'],
      ['history', 'schedule', 'succeeded'],
    ])
    // One at a time across the three workers: each run started after the one before it had finished.
    for (const [index, row] of acme.entries()) if (index > 0) expect(row.started_at.getTime()).toBeGreaterThanOrEqual(acme[index - 1]!.finished_at!.getTime())
    const { rows: landed } = await client.query<{ count: number }>(`select count(*)::int as count from source_records where connection_id = 'acme'`)
    expect(landed[0]!.count).toBeGreaterThan(50)
    expect((await runsOf('held')).map((row) => row.status)).toEqual(['succeeded'])

    const refused = await runsOf('refused')
    expect(refused).toHaveLength(1)
    expect(refused[0]).toMatchObject({ status: 'failed', error: { code: 'E_AUTH' } })
    const stuck = await runsOf('stuck')
    expect(stuck).toHaveLength(1)
    expect(stuck[0]).toMatchObject({ status: 'failed', error: { code: 'E_RUN_TIMEOUT' } })
    expect(stuck[0]!.finished_at!.getTime() - stuck[0]!.started_at.getTime()).toBeLessThan(2_000 + 3_000)

    const status = await runCliProcess(['status', '--json'], run)
    expect(status.code, status.stderr).toBe(0)
    const report = JSON.parse(status.stdout) as { connections: { connection: string; lastRun: { status: string; error: { code: string } | null }; schedule: unknown; nextRunAt: string | null; freshAt: string | null; backlog: unknown }[] }
    const of = (name: string) => report.connections.find((row) => row.connection === name)!
    expect(of('acme')).toMatchObject({ schedule: { '*': tick.cron }, lastRun: { status: 'succeeded', error: null }, backlog: { waiting: 0, retrying: 0, running: 0 } })
    expect(of('acme').freshAt).not.toBeNull()
    expect(of('acme').nextRunAt).toBe(nextYear(tick.at).toISOString())
    expect(of('refused')).toMatchObject({ lastRun: { status: 'failed', error: { code: 'E_AUTH' } }, freshAt: null })
    expect(of('stuck').lastRun.error?.code).toBe('E_RUN_TIMEOUT')
    const text = await runCliProcess(['status'], run)
    expect(text.stdout).toMatch(/refused \(slack, api\): .*\n.*failed.*\n\s+E_AUTH /)
    for (const output of [status.stdout, text.stdout, ...three.map((worker) => worker.stderr())]) expect(output).not.toContain('canary')

    const runs = await runCliProcess(['runs', '--connection', 'acme', '--json'], run)
    expect((JSON.parse(runs.stdout) as { runs: { stream: string }[] }).runs.map((row) => row.stream)).toEqual(['history', 'conversations', 'users'])
  }, 180_000)

  it('two ticks queued under the same key while the job waits are one job', async () => {
    const utils = await makeWorkerUtils({ connectionString: database.env.DATABASE_URL! })
    try {
      const spec = syncJobSpec('twice', 'users', { priority: 0, maxAttempts: 9 })
      await utils.addJob(SYNC_TASK, { connection: 'twice', stream: 'users' }, spec)
      await utils.addJob(SYNC_TASK, { connection: 'twice', stream: 'users' }, spec)
      expect(await jobsOf('twice')).toHaveLength(1)
      await client.query(`delete from graphile_worker._private_jobs`)
    } finally {
      await utils.release()
    }
  })

  it('a worker stopped with SIGTERM drops its page, one killed with SIGKILL has its job taken over, and the store equals an uninterrupted sync', async () => {
    fake.state.latencyMs = 100
    const tick = lastMinute()
    const run = await writeConfig(
      `  slow:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n    pageSize: 5\n    streams: [history]\n    schedule: "${tick.cron}"\n` +
        `  reference:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n    pageSize: 5\n    streams: [history]\n`,
    )
    await knownSince(['sync:slow:history'], tick.at)
    const landed = async () => (await client.query<{ count: number }>(`select count(*)::int as count from source_records where connection_id = 'slow'`)).rows[0]!.count

    // SIGTERM midway: the run stops after a committed page, is marked abandoned and its job is retried.
    const first = startWorker(run)
    await eventually('a first page to land', async () => (await landed()) > 0)
    first.signal('SIGTERM')
    expect(await first.exited).toBe(0)
    const afterTerm = await landed()
    const [abandoned] = await runsOf('slow')
    expect(abandoned).toMatchObject({ status: 'abandoned', error: { code: 'E_INTERRUPTED' } })
    const { rows: cursor } = await client.query<{ last_run_id: number }>(`select last_run_id from sync_state where connection_id = 'slow'`)
    expect(cursor[0]?.last_run_id).toBe(abandoned!.id)
    expect(await jobsOf('slow')).toMatchObject([{ attempts: 1, locked_at: null }])

    // SIGKILL midway through the retry: another worker notices the dead one and runs the job again.
    const second = startWorker(run)
    await eventually('the retry to land more pages', async () => (await landed()) > afterTerm, 30_000)
    second.signal('SIGKILL')
    expect(await second.exited).toBe('SIGKILL')
    fake.state.latencyMs = 0
    const third = startWorker(run)
    await eventually('the job to be taken over and finished', async () => (await jobsOf('slow')).length === 0 && (await runsOf('slow')).some((row) => row.status === 'succeeded'), 60_000)
    third.signal('SIGTERM')
    expect(await third.exited).toBe(0)
    expect(third.logs().some((line) => line.msg === 'worker.unlocked_dead_workers')).toBe(true)
    expect((await runsOf('slow')).map((row) => row.status)).toEqual(['abandoned', 'abandoned', 'succeeded'])

    const reference = await runCliProcess(['sync', '--only', 'reference', '--no-resolve', '--json'], { ...run, timeoutMs: 120_000 })
    expect(reference.code, reference.stderr).toBe(0)
    const { rows: difference } = await client.query(`
      (select object_type, source_id, content_hash, deleted_at is null as live from source_records where connection_id = 'slow'
       except all select object_type, source_id, content_hash, deleted_at is null from source_records where connection_id = 'reference')
      union all
      (select object_type, source_id, content_hash, deleted_at is null from source_records where connection_id = 'reference'
       except all select object_type, source_id, content_hash, deleted_at is null from source_records where connection_id = 'slow')`)
    expect(difference).toEqual([])
    expect(await landed()).toBeGreaterThan(40)
  }, 180_000)
})

/** The same minute a year later: the next match of a schedule that names a minute of a day of a month. */
function nextYear(at: Date): Date {
  const next = new Date(at)
  next.setUTCFullYear(next.getUTCFullYear() + 1)
  return next
}

/** A port that accepts connections and never answers; closed with the test process. */
async function hangingPort(): Promise<number> {
  const { createServer } = await import('node:net')
  const server = createServer(() => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  return (server.address() as { port: number }).port
}
