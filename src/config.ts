import path from 'node:path'
import { z } from 'zod'
import { CgError } from './errors.ts'

/** Where the store lives: an embedded PostgreSQL (PGlite) data folder, memory, or a PostgreSQL server. */
export const databaseConfigSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('embedded'), dataDir: z.string().min(1) }),
  z.object({ mode: z.literal('memory') }),
  z.object({ mode: z.literal('server'), url: z.string().min(1) }),
])
export type DatabaseConfig = z.infer<typeof databaseConfigSchema>

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]

export interface Config {
  database: DatabaseConfig
  logLevel: LogLevel
}

/** The environment variables customer-graph reads; main.ts passes process.env and nothing else does. */
export interface ConfigEnv {
  DATABASE_URL?: string | undefined
  CUSTOMER_GRAPH_DATA_DIR?: string | undefined
  CUSTOMER_GRAPH_LOG_LEVEL?: string | undefined
}

/** Options given on the command line; they win over the environment. */
export interface ConfigFlags {
  dataDir?: string | undefined
  logLevel?: string | undefined
}

export const DEFAULT_DATA_DIR = '.customer-graph'

/**
 * Resolves the configuration from flags and environment. A DATABASE_URL selects the server; otherwise
 * the embedded database lives in --data-dir, CUSTOMER_GRAPH_DATA_DIR or ./.customer-graph/.
 */
export function loadConfig(env: ConfigEnv, flags: ConfigFlags, cwd: string): Config {
  const url = nonEmpty(env.DATABASE_URL)
  const dataDir = nonEmpty(flags.dataDir) ?? nonEmpty(env.CUSTOMER_GRAPH_DATA_DIR)
  if (url && nonEmpty(flags.dataDir)) {
    throw new CgError(
      'E_CONFIG',
      '--data-dir selects the embedded database but DATABASE_URL is set to a server; unset DATABASE_URL or drop --data-dir',
      { location: { parameter: '--data-dir' } },
    )
  }
  if (url) assertPostgresUrl(url)
  const database: DatabaseConfig = url
    ? { mode: 'server', url }
    : { mode: 'embedded', dataDir: path.resolve(cwd, dataDir ?? DEFAULT_DATA_DIR) }

  const levelText = nonEmpty(flags.logLevel) ?? nonEmpty(env.CUSTOMER_GRAPH_LOG_LEVEL) ?? 'warn'
  const level = z.enum(logLevels).safeParse(levelText)
  if (!level.success) {
    throw new CgError(
      'E_CONFIG',
      `log level "${levelText}" is not one of ${logLevels.join(', ')}`,
      { location: { parameter: nonEmpty(flags.logLevel) ? '--log-level' : 'CUSTOMER_GRAPH_LOG_LEVEL' } },
    )
  }
  return { database, logLevel: level.data }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

function assertPostgresUrl(url: string): void {
  let protocol: string
  try {
    protocol = new URL(url).protocol
  } catch {
    // The URL may hold a password: never echo it.
    throw new CgError('E_CONFIG', 'DATABASE_URL is not a valid URL; expected postgres://user@host:5432/database', {
      location: { parameter: 'DATABASE_URL' },
    })
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new CgError('E_CONFIG', `DATABASE_URL has scheme "${protocol}"; expected postgres:// or postgresql://`, {
      location: { parameter: 'DATABASE_URL' },
    })
  }
}

/** A server URL as it may be shown to a person or written to a log: the password is never included. */
export function describeServerUrl(url: string): string {
  const parsed = new URL(url)
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''
  return `postgres://${user}${parsed.host}${parsed.pathname}`
}
