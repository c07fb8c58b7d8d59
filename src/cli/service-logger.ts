import type { Logger } from '../logger.ts'
import type { CommandContext } from './cli-context.ts'

/**
 * A long-running service (serve, worker) says what it does as it goes, so it logs at info unless a level was asked
 * for (other commands stay quiet at warn).
 */
export function serviceLogger(context: CommandContext): Logger {
  const { argv, env } = context.io
  const asked = argv.some((arg) => arg === '--log-level' || arg.startsWith('--log-level=')) || (env.CUSTOMER_GRAPH_LOG_LEVEL ?? '').trim() !== ''
  return asked ? context.logger : context.logger.child({}, { level: 'info' })
}
