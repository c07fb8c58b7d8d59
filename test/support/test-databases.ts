import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { inject } from 'vitest'
import type { DatabaseConfig } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/open-database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import type { DB } from '../../src/schema/database.ts'

/** A database for one test file: open, migrated or not, and gone after dispose(). */
export interface TestDatabase extends Database {
  /** The config that reaches the same database, e.g. for a CLI process the test spawns. */
  readonly config: DatabaseConfig
  /** Environment for a spawned CLI process that should use this database. */
  readonly env: Record<string, string>
  dispose(): Promise<void>
}

export interface TestDatabaseTarget {
  name: 'embedded' | 'server'
  create(options?: { migrate?: boolean }): Promise<TestDatabase>
}

/**
 * The databases every database test runs on: embedded PostgreSQL always, the PostgreSQL server as
 * well when DATABASE_URL is set. Use with describe.each(databaseTargets()).
 * TEST_DATABASES=server leaves the embedded one out: CI runs the suite on the embedded database
 * first, so its server run need not repeat those tests.
 */
export function databaseTargets(): TestDatabaseTarget[] {
  const serverUrl = process.env.DATABASE_URL
  const serverOnly = process.env.TEST_DATABASES === 'server'
  if (serverOnly && !serverUrl) throw new Error('TEST_DATABASES=server needs DATABASE_URL')
  const targets: TestDatabaseTarget[] = serverOnly ? [] : [{ name: 'embedded', create: createEmbedded }]
  if (serverUrl) targets.push({ name: 'server', create: (options) => createServer(serverUrl, options) })
  return targets
}

export function serverUrlForTests(): string | undefined {
  return process.env.DATABASE_URL || undefined
}

async function createEmbedded(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const config: DatabaseConfig = { mode: 'memory' }
  const database = await openDatabase(config)
  if (options.migrate !== false) await migrateToLatest(database.db)
  return { ...database, config, env: {}, dispose: () => database.close() }
}

/**
 * What a CLI child process needs to use this target: for the server a fresh database (its URL in the
 * environment, dropped by `drop`), for the embedded database nothing (it lives in the process's cwd).
 */
export async function cliDatabase(target: { name: string }): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (target.name !== 'server') return { env: {}, drop: () => Promise.resolve() }
  const database = await createServerDatabaseUrl(process.env.DATABASE_URL!)
  return { env: { DATABASE_URL: database.url }, drop: () => database.drop() }
}

/** A fresh database on the server, so files run in parallel without seeing each other's rows. */
export async function createServerDatabaseUrl(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${inject('testDatabasePrefix')}${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`create database "${name}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      try {
        await client.query(`drop database if exists "${name}" with (force)`)
      } finally {
        await client.end()
      }
    },
  }
}

async function createServer(serverUrl: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const scratch = await createServerDatabaseUrl(serverUrl)
  const config: DatabaseConfig = { mode: 'server', url: scratch.url }
  const database = await openDatabase(config)
  if (options.migrate !== false) await migrateToLatest(database.db)
  return {
    ...database,
    config,
    env: { DATABASE_URL: scratch.url },
    async dispose() {
      await database.close()
      await scratch.drop()
    },
  }
}

/** Every migration by name, oldest first, as the Migrator will apply them. */
export const MIGRATION_NAMES = readdirSync(new URL('../../migrations', import.meta.url))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.replace(/\.ts$/, ''))
  .sort()
export const LATEST_MIGRATION = MIGRATION_NAMES.at(-1)!

/** Empties every table of the graph, so one database serves several tests of a file. */
export async function truncateAll(db: Kysely<DB>): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select quote_ident(tablename) as name from pg_tables
    where schemaname = current_schema() and tablename not like 'kysely_%'`.execute(db)
  await sql.raw(`truncate ${rows.map((row) => row.name).join(', ')} restart identity cascade`).execute(db)
}
