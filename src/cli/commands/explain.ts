import type { Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import { explain, formatExplanation } from '../../resolve/explain.ts'
import { findSubject } from '../../resolve/find-subject.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'

export const explainCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('explain')
      .description('show which records form an entity and why: the rule, features and score of every link, and the merges refused')
      .argument('<entity-or-record>', 'an entity id, a record as system:objectType:sourceId (salesforce:Contact:003…), or a source id'),

  run: async (context, args) => {
    const [subjectText] = args as [string]
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const subject = await findSubject(database.db, subjectText, 'entity-or-record')
      const explanation = await explain(database.db, subject)
      return { data: explanation, text: formatExplanation(explanation) }
    })
  },
}
