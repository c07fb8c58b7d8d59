import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'

/**
 * A kysely dialect over PGlite. PGlite is one PostgreSQL backend in this process: a single session, so
 * the driver hands out one connection at a time and queues the rest. That keeps a transaction's
 * statements together exactly as a pooled `pg` client would.
 *
 * Written here rather than taken from npm because the published PGlite dialects either pin PGlite
 * below the release we use or pull a CLI toolchain in with them; the contract is small.
 */
export class PGliteDialect implements Dialect {
  readonly #pglite: PGlite

  constructor(pglite: PGlite) {
    this.#pglite = pglite
  }

  createAdapter() {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PGliteDriver(this.#pglite)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- kysely's own signature
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db)
  }
}

class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection
  #queue: Promise<void> = Promise.resolve()

  constructor(pglite: PGlite) {
    this.#connection = new PGliteConnection(pglite)
  }

  async init(): Promise<void> {
    await this.#connection.pglite.waitReady
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue
    let release!: () => void
    this.#queue = new Promise((resolve) => (release = resolve))
    await previous
    this.#connection.release = release
    return this.#connection
  }

  releaseConnection(): Promise<void> {
    this.#connection.release()
    return Promise.resolve()
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const modes = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '',
      settings.accessMode ?? '',
    ].filter(Boolean)
    await connection.executeQuery(CompiledQuery.raw(`begin${modes.length ? ' ' + modes.join(', ') : ''}`))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async destroy(): Promise<void> {
    // Wait for the query in flight, if any, so closing never cuts a transaction in half.
    await this.#queue
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly pglite: PGlite
  release: () => void = () => {}

  constructor(pglite: PGlite) {
    this.pglite = pglite
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(query.sql, [...query.parameters], { rowMode: 'object' })
    const isWrite = /^\s*(insert|update|delete|merge)\b/i.test(query.sql)
    return {
      rows: result.rows,
      ...(isWrite && result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    }
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    // PGlite has no cursor API; callers page with keyset queries instead.
    throw new Error('streaming queries are not supported on the embedded database; page with keyset queries instead')
  }
}
