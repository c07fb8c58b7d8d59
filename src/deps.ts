import type { Kysely } from 'kysely'
import type { Logger } from './logger.ts'
import type { DB } from './schema/database.ts'

/** The one object passed down instead of globals: tests build it with a fixed clock. */
export interface Deps {
  db: Kysely<DB>
  clock: Clock
  logger: Logger
}

export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }
