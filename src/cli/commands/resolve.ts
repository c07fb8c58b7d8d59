import type { Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import { systemClock } from '../../deps.ts'
import { runResolution, type KindReport, type ResolutionReport } from '../../resolve/run-resolution.ts'
import type { CommandContext } from '../cli-context.ts'
import { createProgress, type Progress } from '../progress.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'
import type { Database } from '../../db/open-database.ts'

export const resolveCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('resolve')
      .description('resolve the records imported since the last resolution into people and organisations (import does this itself)')
      .option('--rekey', 'recompute the keys of every record and resolve all of them again (after an upgrade that changes how keys are normalised)'),

  run: async (context, args) =>
    withDatabase(context, async (database) => {
      const [flags] = args as [{ rekey?: boolean }]
      await migrateToLatest(database.db)
      const report = await resolveWithProgress(context, database, { rekey: flags.rekey ?? false })
      return { data: report, text: formatResolution(report) }
    }),
}

/** Runs a resolution pass with a progress bar per stage on a terminal, log lines elsewhere. */
export async function resolveWithProgress(context: CommandContext, database: Database, options: { rekey?: boolean } = {}): Promise<ResolutionReport> {
  let progress: Progress | undefined
  let stage: string | undefined
  try {
    return await runResolution(
      { db: database.db, clock: systemClock, logger: context.logger },
      {
        rekey: options.rekey ?? false,
        concurrentReads: database.mode === 'server',
        onProgress: ({ stage: next, done, total }) => {
          if (next !== stage) {
            progress?.stop()
            stage = next
            progress = createProgress({
              label: next === 'keys' ? 'resolve: keys' : `resolve: ${next}s`,
              totalBytes: total,
              stream: context.io.stderr,
              interactive: !context.json,
              logger: context.logger,
              now: () => Date.now(),
            })
          }
          progress?.update(done, done)
        },
      },
    )
  } finally {
    progress?.stop()
  }
}

const number = (value: number) => value.toLocaleString('en-US')

export function formatResolution(report: ResolutionReport): string {
  const kind = (name: string, r: KindReport) => {
    const rules = Object.entries(r.rules)
      .sort((a, b) => b[1] - a[1])
      .map(([rule, count]) => `${rule} ${number(count)}`)
      .join(', ')
    const refusals = Object.entries(r.refusals)
      .map(([reason, count]) => `${reason} ${number(count)}`)
      .join(', ')
    return [
      `  ${name}: ${number(r.scope)} records looked at · ${number(r.entities.created)} new, ${number(r.entities.kept)} kept, ${number(r.entities.redirected)} merged away, ${number(r.entities.removed)} removed`,
      ...(rules ? [`    linked by: ${rules}`] : []),
      ...(refusals ? [`    refused merges: ${refusals}`] : []),
    ].join('\n')
  }
  return [
    `resolution of ${number(report.queued)} queued record(s) in ${(report.durationMs / 1000).toFixed(1)}s${
      report.identityUnchanged > 0 ? ` (${number(report.identityUnchanged)} changed only in what resolution ignores)` : ''
    }`,
    kind('people', report.person),
    kind('organisations', report.organization),
    `  graph: ${number(report.graph.conversations.created)} new conversation(s); edges rebuilt: ${
      Object.entries(report.graph.edges)
        .map(([edge, count]) => `${edge} ${number(count)}`)
        .join(', ') || 'none'
    }`,
  ].join('\n')
}
