import type { Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import { systemClock } from '../../deps.ts'
import { CgError } from '../../errors.ts'
import { waitForShutdownSignal } from '../../serve/shutdown-signal.ts'
import { wholeNumber } from '../option-parsers.ts'
import type { CliCommand } from '../run-cli.ts'
import { serviceLogger } from '../service-logger.ts'
import { withDatabase } from '../with-database.ts'
import { configOption, connectionsFile } from './sync.ts'

export const workerCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('worker')
      .description("run the connections' sync schedules (cron, UTC) until SIGTERM; start one on each machine that should share the work")
      .option(...configOption)
      .option('--concurrency <n>', 'jobs this worker runs at once (one connection runs one job at a time)', wholeNumber(1), 2)
      .addHelpText('after', '\nNeeds a PostgreSQL server (DATABASE_URL). On the embedded database use customer-graph sync --every <interval>.'),

  run: async (context, args) => {
    const [flags] = args as [{ config?: string; concurrency: number }]
    const database = context.config.database
    if (database.mode !== 'server') {
      throw new CgError('E_USAGE', 'worker needs a PostgreSQL server (set DATABASE_URL); on the embedded database run customer-graph sync --every 15m instead', {
        location: { parameter: 'DATABASE_URL' },
      })
    }
    const file = await connectionsFile(context, flags.config)
    const logger = serviceLogger(context)
    return withDatabase(context, async (open) => {
      await migrateToLatest(open.db)
      const stop = waitForShutdownSignal().then((signal) => logger.info({ signal }, 'worker.stopping'))
      // graphile-worker loads only here, not for every command.
      const { runWorker } = await import('../../worker/run-worker.ts')
      const { plan } = await runWorker(
        { db: open.db, clock: systemClock, logger },
        {
          connections: file.connections,
          connectionString: database.url,
          concurrency: flags.concurrency,
          stop,
          onStarted: (started) => logger.info({ schedules: started.map(({ connection, stream, cron }) => ({ connection, stream, cron })), concurrency: flags.concurrency }, 'worker.started'),
        },
      )
      logger.info('worker.stopped')
      return { data: { stopped: true, schedules: plan.length }, text: '', printed: true }
    })
  },
}
