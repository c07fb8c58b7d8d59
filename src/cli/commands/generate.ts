import type { Command } from 'commander'
import type { GenerateReport } from '../../generate/generate-company.ts'
import { MIN_PEOPLE } from '../../generate/limits.ts'
import { wholeNumber } from '../option-parsers.ts'
import type { CliCommand } from '../run-cli.ts'
import { createProgress } from '../progress.ts'

interface GenerateFlags {
  people: number
  seed: number
}

export const generateCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('generate')
      .description('write a seeded synthetic company as the export files of all four systems, with ground truth')
      .argument('<dir>', 'empty or new folder to write into')
      .option('--people <n>', `distinct real people, employees and customers (at least ${MIN_PEOPLE})`, wholeNumber(MIN_PEOPLE), 1000)
      .option('--seed <s>', 'seed: the same seed writes the same bytes', wholeNumber(0), 1)
      .addHelpText(
        'after',
        '\nWrites salesforce/, slack/ (and slack-export.zip), workday/, google/ and ground-truth/ (which records are the same person or organisation).',
      ),

  run: async (context, args) => {
    const [dir, flags] = args as [string, GenerateFlags]
    const progress = createProgress({
      label: 'generate',
      totalBytes: flags.people,
      stream: context.io.stderr,
      interactive: !context.json,
      logger: context.logger,
      now: () => Date.now(),
    })
    // Loaded on first use: faker's locale data costs tens of MB that no other command needs.
    const { generateCompany } = await import('../../generate/generate-company.ts')
    const report = await generateCompany({ dir, people: flags.people, seed: flags.seed, onProgress: (done) => progress.update(done, done) })
    progress.stop()
    return { data: report, text: formatReport(report) }
  },
}

function formatReport(report: GenerateReport): string {
  const total = Object.values(report.records).reduce((sum, count) => sum + count, 0)
  const bytes = report.files.reduce((sum, file) => sum + file.bytes, 0)
  return [
    `wrote ${report.dir}: ${report.people.toLocaleString('en-US')} people (${report.employees.toLocaleString('en-US')} employees), ` +
      `${report.organizations.toLocaleString('en-US')} organisations, ${total.toLocaleString('en-US')} records, ${(bytes / 2 ** 20).toFixed(1)} MB (seed ${report.seed})`,
    ...Object.entries(report.records).map(([what, count]) => `  ${what.padEnd(34)} ${count.toLocaleString('en-US')}`),
  ].join('\n')
}
