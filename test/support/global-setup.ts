import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Prefix of every server database this run creates; the teardown checks none is left. */
    testDatabasePrefix: string
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const prefix = `cg_test_${randomBytes(4).toString('hex')}_`
  project.provide('testDatabasePrefix', prefix)
  return async () => {
    const url = process.env.DATABASE_URL
    if (!url) return
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query<{ datname: string }>(
        'select datname from pg_database where starts_with(datname, $1)',
        [prefix],
      )
      for (const row of rows) await client.query(`drop database if exists "${row.datname}" with (force)`)
      if (rows.length > 0) {
        throw new Error(`tests left ${rows.length} database(s) behind: ${rows.map((row) => row.datname).join(', ')}`)
      }
    } finally {
      await client.end()
    }
  }
}
