/**
 * One run at a time, across processes. On the embedded database one process holds the data folder.
 * On the PostgreSQL server, one run of a connection at a time: five imports of the
 * same connection started together — one proceeds, the others stop at once with E_ALREADY_RUNNING
 * (they do not wait for it); a holder killed with SIGKILL leaves the connection free for the next run
 * straight away (its lock was its database session), which marks the dead run abandoned.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, startCliService } from './support/cli-service.ts'
import { runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

let work: string
let salesforce: string

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'concurrent-runs-'))
  const generated = await runCliProcess(['generate', path.join(work, 'company'), '--people', '400', '--seed', '11'], { cwd: work, timeoutMs: 120_000 })
  expect(generated.code, generated.stderr).toBe(0)
  salesforce = path.join(work, 'company', 'salesforce')
}, 180_000)
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe.each(databaseTargets().filter((target) => target.name === 'embedded'))('runs on the $name database', () => {
  it('five imports started together on one data folder: one proceeds, four stop at once with E_DATA_DIR_LOCKED', async () => {
    const cwd = await mkdtemp(path.join(work, 'embedded-'))
    const started = Date.now()
    const results = await Promise.all(
      Array.from({ length: 5 }, () => runCliProcess(['import', 'salesforce', salesforce, '--no-resolve', '--json'], { cwd, timeoutMs: 180_000 }).then((result) => ({ ...result, ms: Date.now() - started }))),
    )
    const proceeded = results.filter((result) => result.code === 0)
    const refused = results.filter((result) => result.code !== 0)
    expect(proceeded).toHaveLength(1)
    expect(refused.map((result) => (JSON.parse(result.stdout) as { error: { code: string } }).error.code)).toEqual(Array(4).fill('E_DATA_DIR_LOCKED'))
    for (const result of refused) expect(result.ms).toBeLessThan(proceeded[0]!.ms)
  }, 240_000)
})

describe.each(databaseTargets().filter((target) => target.name === 'server'))('runs of one connection on the $name database', (target) => {
  it('five imports started together: one proceeds, four stop at once with E_ALREADY_RUNNING', async () => {
    const database = await cliDatabase(target)
    try {
      const cwd = await mkdtemp(path.join(work, 'five-'))
      expect((await runCliProcess(['migrate'], { cwd, env: database.env })).code).toBe(0)
      const started = Date.now()
      const five = Array.from({ length: 5 }, () =>
        runCliProcess(['import', 'salesforce', salesforce, '--no-resolve', '--json'], { cwd, env: database.env, timeoutMs: 120_000 }).then((result) => ({ ...result, ms: Date.now() - started })),
      )
      const results = await Promise.all(five)
      const proceeded = results.filter((result) => result.code === 0)
      const refused = results.filter((result) => result.code !== 0)
      expect(proceeded).toHaveLength(1)
      expect(refused).toHaveLength(4)
      for (const result of refused) {
        expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'E_ALREADY_RUNNING', location: { parameter: '--connection' } } })
        // They did not wait for the holder: each was done before it.
        expect(result.ms).toBeLessThan(proceeded[0]!.ms)
      }
      const client = new pg.Client({ connectionString: database.env.DATABASE_URL })
      await client.connect()
      try {
        const { rows } = await client.query<{ status: string }>('select status from sync_runs')
        expect(rows.map((row) => row.status)).toEqual(['succeeded'])
      } finally {
        await client.end()
      }
    } finally {
      await database.drop()
    }
  }, 240_000)

  it('a holder killed with SIGKILL frees the connection at once; the next run marks it abandoned', async () => {
    const database = await cliDatabase(target)
    const client = new pg.Client({ connectionString: database.env.DATABASE_URL })
    try {
      const cwd = await mkdtemp(path.join(work, 'killed-'))
      expect((await runCliProcess(['migrate'], { cwd, env: database.env })).code).toBe(0)
      await client.connect()
      const holder = startCliService(['import', 'salesforce', salesforce, '--no-resolve', '--log-level', 'info'], { cwd, env: database.env })
      await eventually('the import to be running', async () => (await client.query(`select 1 from sync_runs where status = 'running'`)).rowCount === 1, 60_000, 50)
      holder.signal('SIGKILL')
      expect(await holder.exited).toBe('SIGKILL')
      const killedAt = Date.now()
      const next = await runCliProcess(['import', 'salesforce', salesforce, '--no-resolve', '--json'], { cwd, env: database.env, timeoutMs: 120_000 })
      expect(next.code, next.stdout).toBe(0)
      const { rows } = await client.query<{ status: string; started_at: Date }>('select status, started_at from sync_runs order by id')
      expect(rows.map((row) => row.status)).toEqual(['abandoned', 'succeeded'])
      // The next run had the lock within 5 s of the kill (process start included).
      expect(rows[1]!.started_at.getTime() - killedAt).toBeLessThan(5_000)
    } finally {
      await client.end()
      await database.drop()
    }
  }, 240_000)
})
