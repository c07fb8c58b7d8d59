import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { readSchemaVersion } from '../../db/migrate.ts'
import { countTableRows, type TableCounts } from '../../db/table-counts.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'

export interface StatusReport {
  mode: 'embedded' | 'memory' | 'server'
  location: string
  exists: boolean
  schemaVersion: string | null
  migrations: { applied: number; pending: string[] }
  tables: TableCounts | null
}

export const statusCommand: CliCommand = {
  define: (program: Command) =>
    program.command('status').description('show the database mode and location, schema version and row counts per table'),

  run: async (context) => {
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
      }
      return { data, text: `database   embedded, ${database.dataDir}\nstate      no database here yet; run customer-graph migrate` }
    }
    return withDatabase(context, async (open) => {
      const version = await readSchemaVersion(open.db)
      const tables = version.applied > 0 ? await countTableRows(open.db) : null
      const data: StatusReport = {
        mode: open.mode,
        location: open.location,
        exists: true,
        schemaVersion: version.schemaVersion,
        migrations: { applied: version.applied, pending: version.pending },
        tables,
      }
      return { data, text: formatStatus(data) }
    })
  },
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
  return lines.join('\n')
}
