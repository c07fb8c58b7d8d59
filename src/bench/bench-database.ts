/**
 * A fresh database for one benchmark run, on either target: a server database bench_<random> created
 * next to DATABASE_URL's and dropped afterwards, or an embedded data folder in a temporary directory.
 * Children reach it through the environment and flags it gives; the benchmark opens it itself only
 * between commands (the embedded folder takes one process at a time).
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import { CgError, errorMessage } from '../errors.ts'
import { openDatabase, type Database } from '../db/open-database.ts'
import type { BenchTargetName } from './bench-options.ts'

export interface BenchDatabase {
  readonly target: BenchTargetName
  /** Environment for child commands: DATABASE_URL set (server) or removed (embedded). */
  readonly childEnv: Record<string, string | undefined>
  /** Flags for child commands (embedded: --data-dir). */
  readonly childArgs: string[]
  /** Server: the URL of this run's database; embedded: its data folder. */
  readonly location: string
  open(poolSize: number): Promise<Database>
  drop(): Promise<void>
}

export async function createBenchDatabase(target: BenchTargetName, deps: { serverUrl: string | undefined; scratchDir: string }): Promise<BenchDatabase> {
  if (target === 'embedded') {
    const dir = await mkdtemp(join(deps.scratchDir, 'embedded-'))
    return {
      target,
      childEnv: { DATABASE_URL: undefined, CUSTOMER_GRAPH_DATA_DIR: undefined },
      childArgs: ['--data-dir', dir],
      location: dir,
      open: () => openDatabase({ mode: 'embedded', dataDir: dir }),
      drop: () => rm(dir, { recursive: true, force: true }),
    }
  }
  if (!deps.serverUrl) throw new CgError('E_CONFIG', 'the server target needs DATABASE_URL', { location: { parameter: 'DATABASE_URL' } })
  const name = `bench_${randomBytes(6).toString('hex')}`
  await admin(deps.serverUrl, `create database ${name}`)
  const url = new URL(deps.serverUrl)
  url.pathname = `/${name}`
  return {
    target,
    childEnv: { DATABASE_URL: url.toString(), CUSTOMER_GRAPH_DATA_DIR: undefined },
    childArgs: [],
    location: url.toString(),
    open: (poolSize) => openDatabase({ mode: 'server', url: url.toString() }, { poolSize }),
    drop: () => admin(deps.serverUrl!, `drop database if exists ${name} with (force)`),
  }
}

/** One statement on the database DATABASE_URL names (create and drop cannot run inside the target). */
async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  try {
    await client.connect()
    await client.query(statement)
  } catch (error) {
    throw new CgError('E_DB_CONNECT', `${statement} on the server failed: ${errorMessage(error)}; the role needs CREATEDB`, { location: { parameter: 'DATABASE_URL' } })
  } finally {
    await client.end().catch(() => undefined)
  }
}
