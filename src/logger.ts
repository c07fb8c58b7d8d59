import { pino, type Logger as PinoLogger } from 'pino'
import type { LogLevel } from './config.ts'

export type Logger = Pick<PinoLogger, 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'child'>

/**
 * Structured JSON logs on stderr, so stdout stays for what a command prints (its report or --json).
 * Anything that may carry a secret is redacted before it is written.
 */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { name: 'customer-graph' },
      redact: {
        paths: ['*.password', '*.token', '*.accessToken', '*.secret', '*.authorization', 'url', '*.url'],
        censor: '[redacted]',
      },
    },
    destination,
  )
}
