import type { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { describeServerUrl, type DatabaseConfig } from '../config.ts'
import { CgError, errorMessage } from '../errors.ts'
import type { DB } from '../schema/database.ts'
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts'
import { PGliteDialect } from './pglite-dialect.ts'
import { PreparingClient } from './prepared-client.ts'

export type DatabaseMode = DatabaseConfig['mode']

/** An open store. `close()` releases everything it holds: connections, the embedded engine, the lock. */
export interface Database {
  readonly db: Kysely<DB>
  readonly mode: DatabaseMode
  /** Where the data lives, safe to show: a folder, "memory", or the server URL without its password. */
  readonly location: string
  close(): Promise<void>
}

export interface OpenDatabaseOptions {
  /** Upper bound on server connections; the embedded engine always has exactly one. */
  poolSize?: number
  /**
   * Called with the errors of pooled connections (the server restarted, the backend was terminated)
   * instead of crashing the process: an idle one is dropped, and a query in flight on a busy one fails
   * on its own.
   */
  onConnectionError?: (error: Error) => void
}

const INT8_OID = 20

export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  switch (config.mode) {
    case 'server':
      return openServer(config.url, options)
    case 'embedded':
      return openEmbedded(config.dataDir, config.dataDir)
    case 'memory':
      return openEmbedded(undefined, 'memory')
  }
}

async function openEmbedded(dataDir: string | undefined, location: string): Promise<Database> {
  const lock: DataDirLock | undefined = dataDir ? lockDataDir(dataDir) : undefined
  let pglite: PGlite
  try {
    // Loaded on first use: a server deployment never needs the embedded engine in memory.
    const [{ PGlite }, { pg_trgm }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm')])
    // PGlite already returns int8 as a JS number; the server pool below is set to do the same.
    pglite = await PGlite.create(dataDir ? `${dataDir}/pgdata` : undefined, { extensions: { pg_trgm } })
  } catch (error) {
    lock?.release()
    throw new CgError('E_DB_CONNECT', `could not open the embedded database in ${location}: ${errorMessage(error)}`, {
      cause: error,
      location: { file: location },
    })
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) })
  return {
    db,
    mode: dataDir ? 'embedded' : 'memory',
    location,
    async close() {
      await db.destroy()
      await pglite.close()
      lock?.release()
    },
  }
}

async function openServer(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const location = describeServerUrl(url)
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: url,
    max: options.poolSize ?? 10,
    // Per-pool parsers, not pg.types.setTypeParser: no global state, and int8 comes back as a number on
    // both databases (counts and ids stay far below 2^53).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
        oid === INT8_OID && format !== 'binary'
          ? (value: string) => Number(value)
          : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
    },
  })
  const reportError = (error: Error) => options.onConnectionError?.(error)
  pool.on('error', reportError)
  // pg-pool listens only on idle clients: a busy one whose connection dies would emit 'error' to no one.
  pool.on('connect', (client) => client.on('error', reportError))
  try {
    const client = await pool.connect()
    client.release()
  } catch (error) {
    await pool.end().catch(() => undefined)
    throw new CgError('E_DB_CONNECT', `could not connect to ${location}: ${errorMessage(error)}; is the server running and the URL right?`, {
      retryable: true,
      location: { parameter: 'DATABASE_URL' },
    })
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    mode: 'server',
    location,
    async close() {
      await db.destroy()
    },
  }
}
