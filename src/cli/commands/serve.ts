import { InvalidArgumentError, type Command } from 'commander'
import { prepareToServe } from '../../db/reader-role.ts'
import { systemClock } from '../../deps.ts'
import { createHttpApp } from '../../serve/http-app.ts'
import { handleMcpRequest } from '../../serve/mcp-http.ts'
import { DEFAULT_RATE_LIMIT, parseRateLimit, type RateLimit } from '../../serve/rate-limiter.ts'
import { waitForShutdownSignal } from '../../serve/shutdown-signal.ts'
import { startHttpServer } from '../../serve/start-http-server.ts'
import type { CliCommand } from '../run-cli.ts'
import { serviceLogger } from '../service-logger.ts'
import { withDatabase } from '../with-database.ts'

interface ServeFlags {
  port: number
  host: string
  rateLimit?: RateLimit
  allowOrigin?: string[]
}

export const serveCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('serve')
      .description('serve the HTTP API (find, lookup, activity, /openapi.json, /healthz) and MCP over Streamable HTTP at /mcp, until SIGTERM or SIGINT')
      .option('--port <n>', 'port to listen on (0 picks a free one)', port, 8787)
      .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
      .option('--rate-limit <n/min>', `requests per minute per token (default ${DEFAULT_RATE_LIMIT.perMinute}/min, bursts of ${DEFAULT_RATE_LIMIT.burst})`, (value: string) => {
        const limit = parseRateLimit(value)
        if (!limit) throw new InvalidArgumentError('expected requests per minute, such as 120/min')
        return limit
      })
      .option('--allow-origin <hostname...>', 'web pages on these hosts may call /mcp from a browser (default: localhost only; agents that are not browsers send no Origin and are not affected)')
      .addHelpText('after', '\nEvery route but /healthz and /openapi.json needs "Authorization: Bearer <token>" (customer-graph token create).'),

  run: async (context, args) => {
    const [flags] = args as [ServeFlags]
    const logger = serviceLogger(context)
    return withDatabase(context, async (database) => {
      const { role, readOnly } = await prepareToServe(database.db)
      if (database.mode === 'server' && !readOnly) logger.warn({ role }, 'serving as a role that can write the store; serve as a read-only one (customer-graph grant-reader)')
      const deps = { db: database.db, clock: systemClock, logger }
      const app = createHttpApp(deps, {
        ...(flags.rateLimit ? { rateLimit: flags.rateLimit } : {}),
        mcp: (request, principal) => handleMcpRequest(request, deps, principal, { allowedOrigins: flags.allowOrigin ?? [] }),
      })
      const server = await startHttpServer(app.fetch, { port: flags.port, host: flags.host })
      // `endpoint`, not `url`: the logger redacts every `url` field, since database URLs carry passwords.
      logger.info({ endpoint: server.url, database: database.mode, location: database.location, role, readOnly }, 'serving')
      const signal = await waitForShutdownSignal()
      logger.info({ signal }, 'stopping')
      await server.close()
      logger.info({ endpoint: server.url }, 'stopped')
      return { data: { endpoint: server.url, signal }, text: '', printed: true }
    })
  },
}

function port(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0 || number > 65_535) throw new InvalidArgumentError('expected a port number from 0 to 65535')
  return number
}
