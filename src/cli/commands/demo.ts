import type { Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import { systemClock } from '../../deps.ts'
import type { DemoReport } from '../../demo/run-demo.ts'
import { MIN_PEOPLE } from '../../generate/limits.ts'
import { formatLookup } from '../../lookup/format-lookup.ts'
import { localOperator } from '../local-operator.ts'
import { wholeNumber } from '../option-parsers.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'

interface DemoFlags {
  people: number
  seed: number
  keep?: string
}

export const demoCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('demo')
      .description('generate a company, import its Slack, Salesforce, Workday and Google exports, resolve who is who, and look up two customers')
      .option('--people <n>', `people in the generated company (at least ${MIN_PEOPLE})`, wholeNumber(MIN_PEOPLE), 1000)
      .option('--seed <s>', 'seed of the generated company', wholeNumber(0), 42)
      .option('--keep <dir>', 'write the generated exports here and keep them (default: a temporary folder, removed)')
      .addHelpText('after', '\nRuns on the configured database: the embedded one in ./.customer-graph unless DATABASE_URL names a server.'),

  run: async (context, args) => {
    const [flags] = args as [DemoFlags]
    const say = (line: string) => {
      if (!context.json) context.io.stderr.write(`${line}\n`)
    }
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      // Loaded on first use: the generator's faker data costs tens of MB that other commands never need.
      const { runDemo } = await import('../../demo/run-demo.ts')
      const report = await runDemo({ db: database.db, clock: systemClock, logger: context.logger }, localOperator('cli'), {
        people: flags.people,
        seed: flags.seed,
        keepDir: flags.keep,
        onStage: (stage, detail) => say(`· ${stage} ${detail}`),
      })
      return { data: report, text: formatDemo(report, database.location) }
    })
  },
}

const number = (value: number) => value.toLocaleString('en-US')
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`

function formatDemo(report: DemoReport, location: string): string {
  const { company, resolution } = report
  const imported = report.imports.reduce((sum, run) => sum + run.records.read, 0)
  const importMs = report.imports.reduce((sum, run) => sum + run.durationMs, 0)
  const lines = [
    `A company of ${number(company.people)} people (${number(company.employees)} employees, ${number(company.organizations)} customer organisations, seed ${company.seed}), in ${location}:`,
    `  imported ${report.imports.map((run) => `${run.system} ${number(run.records.read)}`).join(' · ')} records (${number(imported)}) in ${seconds(importMs)}`,
    `  resolved them into ${number(resolution.people)} people and ${number(resolution.organizations)} organisations in ${seconds(resolution.durationMs)}`,
  ]
  for (const lookup of report.lookups) lines.push('', `$ customer-graph lookup ${JSON.stringify(lookup.query)}`, formatLookup(lookup.result))
  lines.push(
    '',
    `Done in ${seconds(report.durationMs)}. Next: customer-graph lookup <email, name, domain, phone or id> (--json for the whole document),`,
    'customer-graph explain <entity id> (why these records are one person), customer-graph serve (HTTP and MCP).',
  )
  return lines.join('\n')
}
