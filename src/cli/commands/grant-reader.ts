import type { Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import { grantReader } from '../../db/reader-role.ts'
import { CgError } from '../../errors.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'

export const grantReaderCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('grant-reader')
      .description('let an existing database role serve the HTTP API and MCP read-only: read every table, write only the audit (server database, as the schema owner)')
      .argument('<role>', 'the role serve and mcp connect as (create role … login, beforehand)'),

  run: async (context, args) => {
    const [role] = args as [string]
    if (context.config.database.mode !== 'server') {
      throw new CgError('E_USAGE', 'grant-reader needs a PostgreSQL server (set DATABASE_URL); the embedded database has one user', { location: { parameter: 'DATABASE_URL' } })
    }
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const grants = await grantReader(database.db, role)
      return { data: { role, grants }, text: `${role} may now: ${grants.join('; ')}.\nServe as it: DATABASE_URL=postgres://${role}@…/… customer-graph serve` }
    })
  },
}
