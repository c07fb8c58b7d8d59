/**
 * Lookup latency against a resolved store (src/bench/lookup-latency.ts), printed as JSON.
 *
 *   DATABASE_URL=postgres://… node bench/lookup-latency.ts [--queries 200] [--concurrency 4]
 *   node bench/lookup-latency.ts --data-dir ./.customer-graph
 */
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/open-database.ts'
import type { Deps } from '../src/deps.ts'
import { createLogger } from '../src/logger.ts'
import { measureLatency, sampleQueries } from '../src/bench/lookup-latency.ts'

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { queries: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '4' }, 'data-dir': { type: 'string' } } })
  const config = loadConfig(process.env, { dataDir: values['data-dir'] }, process.cwd())
  const database = await openDatabase(config.database)
  try {
    const deps: Deps = { db: database.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
    const queries = await sampleQueries(database.db, Number(values.queries))
    const rows = await measureLatency(deps, queries, config.database.mode === 'server' ? Number(values.concurrency) : 1)
    const { rows: size } = await sql<{ records: number }>`select count(*)::int as records from source_records`.execute(database.db)
    process.stdout.write(`${JSON.stringify({ mode: config.database.mode, records: size[0]!.records, rows }, null, 1)}\n`)
  } finally {
    await database.close()
  }
}

await main()
