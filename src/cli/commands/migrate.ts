import type { Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'

export const migrateCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('migrate')
      .description('create or upgrade the customer graph schema; safe to run again (applies only what is pending)'),

  run: (context) =>
    withDatabase(context, async (database) => {
      const report = await migrateToLatest(database.db)
      context.logger.info({ applied: report.applied, schemaVersion: report.schemaVersion }, 'migrated')
      const data = { mode: database.mode, location: database.location, ...report }
      const text =
        report.applied.length === 0
          ? `schema is up to date (${report.schemaVersion ?? 'empty'}); nothing applied`
          : `applied ${report.applied.length} migration(s): ${report.applied.join(', ')}\nschema version ${report.schemaVersion ?? 'none'}`
      return { data, text }
    }),
}
