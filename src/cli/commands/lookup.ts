import { InvalidArgumentError, type Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import { systemClock } from '../../deps.ts'
import { formatLookup } from '../../lookup/format-lookup.ts'
import { lookupCustomer } from '../../lookup/lookup-customer.ts'
import { localOperator } from '../local-operator.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'

interface LookupFlags {
  budget?: number
  detail?: string
  sections?: string[]
}

export const lookupCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('lookup')
      .description('everything about a customer in one call: profile with sources, organisation, owners, deals, cases, meetings, messages')
      .argument('<query>', 'an email, name, domain, phone number, entity id, or a Salesforce, Slack, Workday or Google id')
      .option('--budget <tokens>', 'approximate size of the answer in tokens', (value: string) => {
        const number = Number(value)
        if (!Number.isInteger(number)) throw new InvalidArgumentError('expected a whole number of tokens')
        return number
      })
      .option('--detail <level>', 'brief, standard or full')
      .option('--sections <list>', 'only these sections, comma-separated (profile, organizations, colleagues, owners, channels, deals, cases, meetings, messages)', (value: string) =>
        value.split(',').map((part) => part.trim()),
      ),

  run: async (context, args) => {
    const [query, flags] = args as [string, LookupFlags]
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      // The library validates every parameter and names the bad one (E_INVALID_QUERY).
      const input = { query, ...(flags.budget === undefined ? {} : { budget: flags.budget }), ...(flags.detail ? { detail: flags.detail } : {}), ...(flags.sections ? { sections: flags.sections } : {}) }
      const result = await lookupCustomer({ db: database.db, clock: systemClock, logger: context.logger }, input, localOperator('cli'))
      return { data: result, text: formatLookup(result), exitCode: result.status === 'not_found' ? 1 : 0 }
    })
  },
}
