import type { Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import { listRuns, type RunRow } from '../../worker/connection-status.ts'
import { wholeNumber } from '../option-parsers.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'

export const runsCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('runs')
      .description('list import and sync runs, newest first: trigger, result, counts, duration and the reason of a failure')
      .option('--connection <name>', 'runs of this connection only')
      .option('--limit <n>', 'how many runs', wholeNumber(1), 20),

  run: async (context, args) => {
    const [flags] = args as [{ connection?: string; limit: number }]
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const runs = await listRuns(database.db, { ...(flags.connection === undefined ? {} : { connection: flags.connection }), limit: flags.limit })
      return { data: { runs }, text: runs.length === 0 ? 'no runs yet' : runs.map(formatRun).join('\n') }
    })
  },
}

function formatRun(run: RunRow): string {
  const took = run.durationMs === null ? 'running' : `${(run.durationMs / 1000).toFixed(1)}s`
  const what = run.stream ? `${run.connection}/${run.stream}` : run.connection
  const counts = `read ${run.counts.read ?? 0} · new ${run.counts.new ?? 0} · changed ${run.counts.changed ?? 0} · deleted ${run.counts.deleted ?? 0}`
  const line = `${String(run.id).padStart(6)}  ${run.startedAt}  ${what}  ${run.trigger}  ${run.status}  ${took}  ${counts}`
  return run.error ? `${line}\n        ${run.error.code} ${run.error.message}` : line
}
