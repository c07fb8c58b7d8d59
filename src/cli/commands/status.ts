import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { readSchemaVersion } from '../../db/migrate.ts'
import { countTableRows, type TableCounts } from '../../db/table-counts.ts'
import { CgError } from '../../errors.ts'
import { connectionStatuses, type ConnectionStatus } from '../../worker/connection-status.ts'
import type { nextTick, scheduleOf } from '../../worker/schedule-plan.ts'
import type { CommandContext } from '../cli-context.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'
import { configOption, connectionsFile, connectionsFilePath } from './sync.ts'

export interface StatusReport {
  mode: 'embedded' | 'memory' | 'server'
  location: string
  exists: boolean
  schemaVersion: string | null
  migrations: { applied: number; pending: string[] }
  tables: TableCounts | null
  /** Each connection's schedule, last run, next run, freshness and backlog. */
  connections: ConnectionStatus[]
  /** Why the connections file could not be read (schedules are then not shown). */
  configError?: { code: string; message: string }
}

export const statusCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('status')
      .description("show the database, and each connection's schedule, last run, next run, freshness and backlog")
      .option(...configOption),

  run: async (context, args) => {
    const [flags] = args as [{ config?: string }]
    const database = context.config.database
    // Looking must not create: an embedded data folder that does not exist yet is reported as such.
    if (database.mode === 'embedded' && !existsSync(path.join(database.dataDir, 'pgdata'))) {
      const data: StatusReport = {
        mode: 'embedded',
        location: database.dataDir,
        exists: false,
        schemaVersion: null,
        migrations: { applied: 0, pending: [] },
        tables: null,
        connections: [],
      }
      return { data, text: `database   embedded, ${database.dataDir}\nstate      no database here yet; run customer-graph migrate` }
    }
    return withDatabase(context, async (open) => {
      const version = await readSchemaVersion(open.db)
      const tables = version.applied > 0 ? await countTableRows(open.db) : null
      const { schedules, configError, nextTick } = await readSchedules(context, flags.config)
      const connections = version.applied > 0 ? await connectionStatuses(open.db, { now: new Date(), schedules, nextTick }) : []
      const data: StatusReport = {
        mode: open.mode,
        location: open.location,
        exists: true,
        schemaVersion: version.schemaVersion,
        migrations: { applied: version.applied, pending: version.pending },
        tables,
        connections,
        ...(configError ? { configError } : {}),
      }
      return { data, text: formatStatus(data) }
    })
  },
}

/** The schedules of the connections file, if there is one; status still reports the database when it cannot be read. */
async function readSchedules(
  context: CommandContext,
  flag: string | undefined,
): Promise<{ schedules: Map<string, NonNullable<ReturnType<typeof scheduleOf>>>; configError?: { code: string; message: string }; nextTick: typeof nextTick }> {
  const schedules = new Map<string, NonNullable<ReturnType<typeof scheduleOf>>>()
  const where = connectionsFilePath(context, flag)
  // No file where none was asked for: nothing is scheduled, nothing to report.
  if (!where.chosen && !existsSync(where.file)) return { schedules, nextTick: () => undefined }
  // graphile-worker's cron parser loads only when there are schedules to read.
  const { nextTick, scheduleOf } = await import('../../worker/schedule-plan.ts')
  try {
    const file = await connectionsFile(context, flag)
    for (const entry of Object.values(file.connections)) {
      const schedule = scheduleOf(entry.name, entry.schedule)
      if (schedule) schedules.set(entry.name, schedule)
    }
    return { schedules, nextTick }
  } catch (error) {
    if (!(error instanceof CgError)) throw error
    return { schedules, nextTick, configError: { code: error.code, message: error.message } }
  }
}

function formatStatus(report: StatusReport): string {
  const lines = [`database   ${report.mode}, ${report.location}`]
  const pending = report.migrations.pending.length
  lines.push(
    `schema     ${report.schemaVersion ?? 'not migrated'} (${report.migrations.applied} applied, ${pending} pending${pending ? ': run customer-graph migrate' : ''})`,
  )
  if (report.tables) {
    const entries = Object.entries(report.tables)
    const width = Math.max(...entries.map(([name]) => name.length))
    lines.push('tables', ...entries.map(([name, count]) => `  ${name.padEnd(width)}  ${count.toLocaleString('en-US')}`))
  }
  if (report.connections.length > 0) lines.push('connections', ...report.connections.flatMap(formatConnection))
  if (report.configError) lines.push(`connections file: ${report.configError.code} ${report.configError.message}`)
  return lines.join('\n')
}

function formatConnection(status: ConnectionStatus): string[] {
  const schedule = status.schedule ? Object.entries(status.schedule).map(([stream, cron]) => (stream === '*' ? cron : `${stream} ${cron}`)).join('; ') : 'not scheduled'
  const lines = [`  ${status.connection} (${status.system}, ${status.transport}): ${schedule}${status.nextRunAt ? `, next ${status.nextRunAt}` : ''}`]
  const last = status.lastRun
  if (last) {
    const took = last.durationMs === null ? 'running' : `${(last.durationMs / 1000).toFixed(1)}s`
    const counts = last.counts
    lines.push(
      `    last run ${last.id}${last.stream ? ` (${last.stream})` : ''}: ${last.status} at ${last.startedAt}, ${took}, read ${counts.read ?? 0} · new ${counts.new ?? 0} · changed ${counts.changed ?? 0} · deleted ${counts.deleted ?? 0}`,
    )
    if (last.error) lines.push(`    ${last.error.code} ${last.error.message}`)
  }
  lines.push(`    fresh ${status.freshnessSeconds === null ? 'never' : `${ago(status.freshnessSeconds)} ago (${status.freshAt})`}`)
  const backlog = status.backlog
  if (backlog && backlog.waiting + backlog.retrying + backlog.running > 0) {
    lines.push(`    backlog ${backlog.running} running · ${backlog.waiting} waiting · ${backlog.retrying} retrying${backlog.nextAttemptAt ? `, next at ${backlog.nextAttemptAt}` : ''}`)
    if (backlog.retrying > 0 && backlog.lastError) lines.push(`    last error: ${backlog.lastError.split('\n')[0]}`)
  }
  return lines
}

function ago(seconds: number): string {
  if (seconds < 120) return `${seconds}s`
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`
  return `${Math.round(seconds / 86_400)}d`
}
