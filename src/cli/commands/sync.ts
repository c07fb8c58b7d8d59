import { InvalidArgumentError, type Command } from 'commander'
import type { CheckResult } from '../../connectors/api-contract.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { systemClock, type Deps } from '../../deps.ts'
import { CgError } from '../../errors.ts'
import { checkConnection } from '../../sync/check-connection.ts'
import type { ConnectionEntry, ConnectionsFile } from '../../sync/connections-config.ts'
import { DEFAULT_CONNECTIONS_FILE, loadConnectionsFile } from '../../sync/load-connections.ts'
import { runSync, type SyncReport } from '../../sync/run-sync.ts'
import type { CommandContext, CommandOutput } from '../cli-context.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'
import { formatResolution, resolveWithProgress } from './resolve.ts'

interface SyncFlags {
  config?: string
  only?: string
  full?: boolean
  resolve: boolean
  every?: number
}

export const configOption = ['--config <file>', `connections file (default ./${DEFAULT_CONNECTIONS_FILE}, or CUSTOMER_GRAPH_CONFIG)`] as const

export const syncCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('sync')
      .description('read the live APIs of the connections in the connections file, incrementally from where the last sync stopped')
      .option(...configOption)
      .option('--only <connection>', 'sync this connection only')
      .option('--full', 'read every stream from the start instead of from its saved cursor')
      .option('--no-resolve', 'land the records only; resolve them later with customer-graph resolve')
      .option('--every <interval>', 'sync again every interval (30s, 15m, 1h) until SIGTERM or SIGINT, in this one process (what worker does on a server)', interval)
      .addHelpText('after', '\nExit code 1 when a stream failed (rate-limited streams that will resume later do not count).'),

  run: async (context, args) => {
    const [flags] = args as [SyncFlags]
    const file = await connectionsFile(context, flags.config)
    const entries = chosen(file, flags.only)
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const deps = { db: database.db, clock: systemClock, logger: context.logger }
      const round = async (signal?: AbortSignal): Promise<CommandOutput<unknown>> => {
        const reports = await syncConnections(context, deps, entries, { full: flags.full ?? false, ...(signal ? { signal } : {}) })
        const resolution = flags.resolve ? await resolveWithProgress(context, database) : undefined
        // A run a stop interrupted (abandoned) resumes next time: not a failure.
        const failed = reports.some((report) => report.status !== 'abandoned' && (report.error !== undefined || report.streams.some((stream) => stream.status === 'failed')))
        const text = [...reports.map(formatSync), ...(resolution ? [formatResolution(resolution)] : [])].join('\n')
        return { data: { connections: reports, ...(resolution ? { resolution } : {}) }, text, exitCode: failed ? 1 : 0 }
      }
      if (flags.every === undefined) return round()
      return repeatEvery(context, flags.every, round)
    })
  },
}

/** Syncs the connections one after another; a person at a terminal sees one line per connection move, logs carry every page. */
async function syncConnections(context: CommandContext, deps: Deps, entries: ConnectionEntry[], options: { full: boolean; signal?: AbortSignal }): Promise<SyncReport[]> {
  const interactive = !context.json && (context.io.stderr as { isTTY?: boolean }).isTTY === true
  const reports: SyncReport[] = []
  for (const entry of entries) {
    if (options.signal?.aborted) break
    const report = await runSync(deps, {
      connection: entry,
      full: options.full,
      trigger: options.signal ? 'schedule' : 'sync',
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: ({ stream, pages, records }) => {
        context.logger.info({ connection: entry.name, stream, pages, records }, 'sync.page')
        if (interactive) context.io.stderr.write(`\r${entry.name} ${stream}: ${pages} pages, ${records.read.toLocaleString('en-US')} records`.padEnd(72))
      },
    })
    if (interactive) context.io.stderr.write('\n')
    reports.push(report)
  }
  return reports
}

/**
 * `sync --every`: a round, then a wait, until SIGTERM or SIGINT. A stop during a round ends it after
 * the page being committed (the next start resumes from there); each round's result is printed as it
 * ends (one JSON line per round with --json). The exit code is that of the last round.
 */
async function repeatEvery(context: CommandContext, everyMs: number, round: (signal: AbortSignal) => Promise<CommandOutput<unknown>>): Promise<CommandOutput<unknown>> {
  const stop = new AbortController()
  const interrupt = (signal: NodeJS.Signals) =>
    stop.abort(new CgError('E_INTERRUPTED', `stopped by ${signal}: the sync ended after its last committed page and resumes from there`, { retryable: true }))
  for (const signal of ['SIGTERM', 'SIGINT'] as const) context.io.signals.once(signal, interrupt)
  let rounds = 0
  let last: CommandOutput<unknown> | undefined
  try {
    while (!stop.signal.aborted) {
      last = await round(stop.signal)
      rounds++
      context.io.stdout.write(`${context.json ? JSON.stringify(last.data) : last.text}\n`)
      if (stop.signal.aborted) break
      context.logger.info({ nextInMs: everyMs }, 'sync.waiting')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, everyMs)
        stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
      })
    }
  } finally {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) context.io.signals.off(signal, interrupt)
  }
  context.logger.info({ rounds }, 'sync.stopped')
  return { data: last?.data ?? null, text: '', printed: true, exitCode: last?.exitCode ?? 0 }
}

/** `30s`, `15m`, `1h`: at least 10 seconds. */
function interval(value: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(value.trim())
  const ms = match ? Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'] : Number.NaN
  if (!(ms >= 10_000)) throw new InvalidArgumentError('expected an interval of at least 10s, such as 30s, 15m or 1h')
  return ms
}

export const checkCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('check')
      .description("verify a connection's credentials and scopes against its API without syncing anything")
      .argument('<connection>', 'connection name in the connections file')
      .option(...configOption),

  run: async (context, args) => {
    const [name, flags] = args as [string, { config?: string }]
    const file = await connectionsFile(context, flags.config)
    const [entry] = chosen(file, name)
    const result = await checkConnection({ clock: systemClock, logger: context.logger }, entry!)
    const missing = result.scopes.filter((scope) => !scope.granted)
    return { data: { connection: entry!.name, system: entry!.connector.system, ...result }, text: formatCheck(entry!, result), exitCode: missing.length > 0 ? 1 : 0 }
  },
}

/** Where the connections file is: --config, else CUSTOMER_GRAPH_CONFIG, else ./customer-graph.yaml; `chosen` when one of the first two named it. */
export function connectionsFilePath(context: CommandContext, flag: string | undefined): { file: string; chosen: boolean } {
  const env = context.io.env as Readonly<Record<string, string | undefined>>
  const file = flag ?? env.CUSTOMER_GRAPH_CONFIG ?? DEFAULT_CONNECTIONS_FILE
  return { file: file.startsWith('/') ? file : `${context.io.cwd}/${file}`, chosen: (flag ?? env.CUSTOMER_GRAPH_CONFIG) !== undefined }
}

export async function connectionsFile(context: CommandContext, flag: string | undefined): Promise<ConnectionsFile> {
  return loadConnectionsFile(connectionsFilePath(context, flag).file, context.io.env as Readonly<Record<string, string | undefined>>)
}

function chosen(file: ConnectionsFile, only: string | undefined): ConnectionEntry[] {
  const names = Object.keys(file.connections)
  if (only === undefined) {
    if (names.length === 0) throw new CgError('E_CONFIG', 'the connections file lists no connections', { location: { path: 'connections' } })
    return Object.values(file.connections)
  }
  const entry = file.connections[only]
  if (!entry) throw new CgError('E_USAGE', `no connection "${only}" in the connections file; it has ${names.join(', ') || 'none'}`, { location: { parameter: 'connection' } })
  return [entry]
}

const number = (value: number) => value.toLocaleString('en-US')

function formatSync(report: SyncReport): string {
  const { records } = report
  const lines = [
    `${report.connection} (${report.system}) sync: ${report.status} in ${(report.durationMs / 1000).toFixed(1)}s (run ${report.runId})`,
    `  read ${number(records.read)} · new ${number(records.new)} · changed ${number(records.changed)} · unchanged ${number(records.unchanged)} · rejected ${number(records.rejected)} · deleted ${number(records.deleted)}${records.suppressed > 0 ? ` · suppressed ${number(records.suppressed)} (erased people)` : ''}`,
  ]
  if (report.error) lines.push(`  ${report.error.code} ${report.error.message}`)
  for (const stream of report.streams) {
    const retry = stream.retryAt ? `, resumes after ${stream.retryAt}` : ''
    lines.push(`  ${stream.name}: ${stream.status}, ${stream.pages} pages, ${number(stream.records.read)} records${retry}`)
    for (const error of stream.errors.slice(0, 5)) lines.push(`    ${error.code} ${error.message}`)
  }
  return lines.join('\n')
}

function formatCheck(entry: ConnectionEntry, result: CheckResult): string {
  const lines = [`${entry.name} (${entry.connector.system}): signed in as ${result.identity} at ${result.account}`]
  for (const scope of result.scopes) lines.push(`  ${scope.granted ? 'ok     ' : 'MISSING'} ${scope.name} (${scope.neededBy.join(', ')})`)
  return lines.join('\n')
}
