import { openDatabase, type Database } from '../db/open-database.ts'
import type { CommandContext } from './cli-context.ts'

/** Opens the configured database for one command and always closes it, so the process can exit. */
export async function withDatabase<T>(context: CommandContext, work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(context.config.database, {
    onConnectionError: (error) => context.logger.warn({ err: error.message }, 'database connection failed'),
  })
  try {
    return await work(database)
  } finally {
    await database.close()
  }
}
