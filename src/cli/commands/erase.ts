import type { Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import { systemClock } from '../../deps.ts'
import { erasePerson, type ErasureReceipt } from '../../erase/erase-person.ts'
import type { ResolutionReport } from '../../resolve/run-resolution.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'
import { resolveWithProgress } from './resolve.ts'

export const eraseCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('erase')
      .description('erase a person from every table (GDPR Art. 17), print a receipt, and keep hashes so no later import or sync re-creates them')
      .argument('<subject>', "the person's email, entity id, or one of their records (system:objectType:sourceId)")
      .addHelpText(
        'after',
        '\nTheir records are deleted; their emails, ids, names and phones are replaced with [erased] wherever else they appear.\nWaits for no run: stops with E_ALREADY_RUNNING while an import or sync is running.',
      ),

  run: async (context, args) => {
    const [subject] = args as [string]
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const receipt = await erasePerson({ db: database.db, clock: systemClock, logger: context.logger }, subject)
      context.logger.info({ erasureId: receipt.erasureId, records: receipt.records }, 'erase finished')
      const resolution = await resolveWithProgress(context, database)
      return { data: { receipt, resolution }, text: describe(receipt, resolution) }
    })
  },
}

function describe(receipt: ErasureReceipt, resolution: ResolutionReport): string {
  const rows = (counts: Partial<Record<string, number>>) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([table, count]) => `    ${table.padEnd(22)} ${String(count).padStart(7)}`)
  const { suppression } = receipt
  return [
    `erasure #${receipt.erasureId}: entity ${receipt.entityId}, ${receipt.records} record(s) of theirs`,
    '  deleted rows:',
    ...rows(receipt.deleted),
    '  scrubbed rows (their traces replaced with [erased]):',
    ...(Object.keys(receipt.scrubbed).length > 0 ? rows(receipt.scrubbed) : ['    none']),
    `  cursors cleared ${receipt.cursorsCleared} · tokens revoked ${receipt.tokensRevoked}`,
    `  suppression kept: ${suppression.record} record, ${suppression.identifier} identifier, ${suppression.context} context hash(es); imports and syncs drop their records from now on`,
    `  re-resolved ${resolution.person.scope} person and ${resolution.organization.scope} organisation record(s)`,
  ].join('\n')
}
