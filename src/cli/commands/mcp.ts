import { InvalidArgumentError, type Command } from 'commander'
import { prepareToServe } from '../../db/reader-role.ts'
import { systemClock } from '../../deps.ts'
import { SCOPES, type Scope } from '../../lookup/lookup-schema.ts'
import { localOperator } from '../local-operator.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'

interface McpFlags {
  scopes: Scope[]
}

const DEFAULT_SCOPES: Scope[] = ['lookup', 'pii']
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const

export const mcpCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('mcp')
      .description('serve the lookup tools over MCP on stdin and stdout, for an AI agent host that starts this command')
      .option(`--scopes <list>`, `what the agent may see, comma-separated: ${SCOPES.join(', ')}`, parseScopes, DEFAULT_SCOPES)
      .addHelpText(
        'after',
        '\nStdout carries protocol messages only; logs go to stderr. Runs until the host closes stdin or sends SIGTERM.',
      ),

  run: async (context, args) => {
    const [flags] = args as [McpFlags]
    // The local operator owns the database, so they see every subject; what they hand the agent is
    // limited by --scopes.
    const principal = localOperator('mcp', flags.scopes)
    // Loaded on first use: the MCP SDK and the lookup are only this command's to pay for.
    const [{ createMcpServer }, { StdioServerTransport }] = await Promise.all([
      import('../../serve/mcp-server.ts'),
      import('@modelcontextprotocol/server/stdio'),
    ])
    return withDatabase(context, async (database) => {
      await prepareToServe(database.db)
      const server = createMcpServer({ db: database.db, clock: systemClock, logger: context.logger }, principal)
      const closed = new Promise<void>((resolve) => {
        server.server.onclose = resolve
      })
      const stop = () => void server.close()
      for (const signal of STOP_SIGNALS) context.io.signals.once(signal, stop)
      try {
        // The transport closes itself when stdin ends: the host is gone, and so is this process.
        await server.connect(new StdioServerTransport(context.io.stdin, context.io.stdout))
        context.logger.info({ principal: principal.id, scopes: flags.scopes }, 'MCP server on stdio')
        await closed
      } finally {
        for (const signal of STOP_SIGNALS) context.io.signals.off(signal, stop)
      }
      return { data: null, text: '', printed: true }
    })
  },
}

function parseScopes(value: string): Scope[] {
  const scopes = value.split(',').map((scope) => scope.trim()).filter((scope) => scope !== '')
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope))
  if (unknown.length > 0 || scopes.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${SCOPES.join(', ')}`)
  return scopes as Scope[]
}
