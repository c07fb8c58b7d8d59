import { Command, CommanderError } from 'commander'
import { loadConfig } from '../config.ts'
import { CgError, errorMessage, isCgError } from '../errors.ts'
import { createLogger } from '../logger.ts'
import { PACKAGE_VERSION } from '../package-version.ts'
import type { CliIo, CommandContext, CommandOutput } from './cli-context.ts'
import { demoCommand } from './commands/demo.ts'
import { explainCommand } from './commands/explain.ts'
import { eraseCommand } from './commands/erase.ts'
import { exportCommand } from './commands/export.ts'
import { generateCommand } from './commands/generate.ts'
import { grantReaderCommand } from './commands/grant-reader.ts'
import { importCommand } from './commands/import.ts'
import { lookupCommand } from './commands/lookup.ts'
import { mcpCommand } from './commands/mcp.ts'
import { migrateCommand } from './commands/migrate.ts'
import { linkCommand, unlinkCommand } from './commands/overrides.ts'
import { resolveCommand } from './commands/resolve.ts'
import { runsCommand } from './commands/runs.ts'
import { serveCommand } from './commands/serve.ts'
import { statusCommand } from './commands/status.ts'
import { checkCommand, syncCommand } from './commands/sync.ts'
import { toolsCommand } from './commands/tools.ts'
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand } from './commands/token.ts'
import { workerCommand } from './commands/worker.ts'

interface GlobalOptions {
  json?: boolean
  dataDir?: string
  logLevel?: string
}

/** A command as the CLI registers it: its commander definition and what it does. */
export interface CliCommand {
  define(program: Command): Command
  run(context: CommandContext, args: unknown[]): Promise<CommandOutput<unknown>>
}

const commands: CliCommand[] = [
  migrateCommand,
  statusCommand,
  importCommand,
  syncCommand,
  checkCommand,
  workerCommand,
  runsCommand,
  resolveCommand,
  explainCommand,
  linkCommand,
  unlinkCommand,
  exportCommand,
  eraseCommand,
  generateCommand,
  lookupCommand,
  demoCommand,
  mcpCommand,
  toolsCommand,
  tokenCreateCommand,
  tokenListCommand,
  tokenRevokeCommand,
  serveCommand,
  grantReaderCommand,
]

/** Runs one CLI invocation and returns the exit code; never calls process.exit. */
export async function runCli(io: CliIo): Promise<number> {
  const json = io.argv.includes('--json')
  const program = new Command('customer-graph')
    .description('Consolidate customer records from Slack, Salesforce, Workday and Google into one PostgreSQL customer graph.')
    .version(PACKAGE_VERSION, '-V, --version')
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--data-dir <dir>', 'embedded database folder (default ./.customer-graph, or CUSTOMER_GRAPH_DATA_DIR)')
    .option('--log-level <level>', 'structured log level on stderr: fatal, error, warn, info, debug, trace, silent')
    .addHelpText(
      'after',
      '\nDatabase: embedded PostgreSQL in the data folder, or the server named by DATABASE_URL when it is set.\nRun "customer-graph <command> --help" for a command\'s options.',
    )
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      // Commander's own usage errors are reported below as one coded line instead.
      writeErr: () => undefined,
    })

  let output: CommandOutput<unknown> | undefined
  for (const command of commands) {
    command
      .define(program)
      .exitOverride()
      .action(async (...args: unknown[]) => {
        const self = args.at(-1) as Command
        const globals = self.optsWithGlobals<GlobalOptions>()
        const config = loadConfig(io.env, { dataDir: globals.dataDir, logLevel: globals.logLevel }, io.cwd)
        const context: CommandContext = {
          config,
          json: globals.json === true,
          logger: createLogger(config.logLevel, io.stderr),
          io,
        }
        output = await command.run(context, args.slice(0, -1))
      })
  }

  try {
    await program.parseAsync(io.argv, { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0 // --help, --version
      return reportError(io, json, new CgError('E_USAGE', `${error.message.replace(/^error: /, '')}; see customer-graph --help`))
    }
    return reportError(io, json, error)
  }
  if (!output) return 0
  if (output.printed) return output.exitCode ?? 0
  io.stdout.write(json ? JSON.stringify(output.data) + '\n' : output.text.endsWith('\n') ? output.text : output.text + '\n')
  return output.exitCode ?? 0
}

function reportError(io: CliIo, json: boolean, error: unknown): number {
  const cgError = isCgError(error)
    ? error
    : new CgError('E_INTERNAL', `unexpected failure: ${errorMessage(error)}`)
  if (json) io.stdout.write(JSON.stringify({ error: cgError.toJSON() }) + '\n')
  else io.stderr.write(`customer-graph: ${cgError.code} ${cgError.message}\n`)
  return cgError.code === 'E_USAGE' ? 2 : 1
}
