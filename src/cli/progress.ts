import { SingleBar } from 'cli-progress'
import type { Logger } from '../logger.ts'

export interface Progress {
  /** Bytes read so far and the records counted so far. */
  update(bytes: number, records: number): void
  stop(): void
}

const LOG_EVERY_MS = 5000

/**
 * A progress bar on a terminal; elsewhere (cron, CI, --json) a structured log line at most every few
 * seconds, so stdout stays clean for the report.
 */
export function createProgress(options: {
  label: string
  totalBytes: number
  stream: NodeJS.WritableStream & { isTTY?: boolean }
  interactive: boolean
  logger: Logger
  now: () => number
}): Progress {
  const { label, totalBytes, logger, now } = options
  if (options.interactive && options.stream.isTTY) {
    const bar = new SingleBar({
      stream: options.stream,
      format: `${label} [{bar}] {percentage}% | {records} records | {rate} records/s`,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    })
    const started = now()
    bar.start(Math.max(totalBytes, 1), 0, { records: 0, rate: 0 })
    return {
      update(bytes, records) {
        const seconds = Math.max((now() - started) / 1000, 0.001)
        bar.update(Math.min(bytes, Math.max(totalBytes, 1)), { records: records.toLocaleString('en-US'), rate: Math.round(records / seconds) })
      },
      stop() {
        bar.update(Math.max(totalBytes, 1))
        bar.stop()
      },
    }
  }
  let lastLog = now()
  return {
    update(bytes, records) {
      if (now() - lastLog < LOG_EVERY_MS) return
      lastLog = now()
      logger.info({ label, bytes, totalBytes, records }, 'progress')
    },
    stop() {},
  }
}
