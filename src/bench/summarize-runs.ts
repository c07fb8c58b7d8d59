/**
 * The figures of several runs of one size on one target, reduced to medians (peak RSS and rows written:
 * the largest, since a bound is what they are checked against). Ratios are taken within each run, on
 * the same machine at the same moment, and then their median: on a shared machine they hold where
 * absolute times do not.
 */
import type { BenchTargetName } from './bench-options.ts'
import type { QueryClass } from './lookup-latency.ts'
import type { RunFigures } from './measure-run.ts'

export interface Summary {
  target: BenchTargetName
  size: number
  runs: number
  records: number
  landedRows: number
  importSeconds: number
  importPerSecond: number
  landPerSecond: number
  resolveSeconds: number
  copyPerSecond: number
  /** End-to-end import records/s ÷ COPY rows/s. */
  importToCopy: number
  /** Landing alone (the four imports, no resolution) ÷ COPY. */
  landToCopy: number
  peakRssMb: number
  landPeakRssMb: number
  resolvePeakRssMb: number
  reimportSeconds: number
  reimportRowsWritten: number
  /** First import time ÷ re-import time. */
  reimportSpeedup: number
  rereadSeconds: number
  rereadRowsWritten: number
  /** First import time ÷ re-read time. */
  rereadSpeedup: number
  incrementalChanged: number
  incrementalSeconds: number
  incrementalResolveSeconds: number
  incrementalScope: number
  incrementalIdentitySeconds: number
  incrementalIdentityResolveSeconds: number
  incrementalIdentityScope: number
  resolveAllSeconds: number
  resolveAllPeakRssMb: number
  lookup: { queryClass: QueryClass; queries: number; p50: number; p95: number; p99: number }[]
}

export function summarizeRuns(target: BenchTargetName, size: number, runs: RunFigures[]): Summary {
  const median = (pick: (run: RunFigures) => number) => middle(runs.map(pick))
  const max = (pick: (run: RunFigures) => number) => Math.max(...runs.map(pick))
  const perSecond = (count: number, ms: number) => count / (ms / 1000)
  const classes = runs[0]?.lookup.map((row) => row.queryClass) ?? []
  return {
    target,
    size,
    runs: runs.length,
    records: median((run) => run.records),
    landedRows: median((run) => run.landedRows),
    importSeconds: median((run) => run.import.totalMs / 1000),
    importPerSecond: median((run) => perSecond(run.records, run.import.totalMs)),
    landPerSecond: median((run) => perSecond(run.records, run.import.landMs)),
    resolveSeconds: median((run) => run.import.resolveMs / 1000),
    copyPerSecond: median((run) => perSecond(run.copy.rows, run.copy.ms)),
    importToCopy: median((run) => perSecond(run.records, run.import.totalMs) / perSecond(run.copy.rows, run.copy.ms)),
    landToCopy: median((run) => perSecond(run.records, run.import.landMs) / perSecond(run.copy.rows, run.copy.ms)),
    peakRssMb: max((run) => run.import.peakRssMb),
    landPeakRssMb: max((run) => run.import.landPeakRssMb),
    resolvePeakRssMb: max((run) => run.import.resolvePeakRssMb),
    reimportSeconds: median((run) => run.reimport.ms / 1000),
    reimportRowsWritten: max((run) => run.reimport.rowsWritten),
    reimportSpeedup: median((run) => run.import.totalMs / run.reimport.ms),
    rereadSeconds: median((run) => run.reread.ms / 1000),
    rereadRowsWritten: max((run) => run.reread.rowsWritten),
    rereadSpeedup: median((run) => run.import.totalMs / run.reread.ms),
    incrementalChanged: median((run) => run.incremental.changed),
    incrementalSeconds: median((run) => run.incremental.ms / 1000),
    incrementalResolveSeconds: median((run) => run.incremental.resolveMs / 1000),
    incrementalScope: median((run) => run.incremental.scope),
    incrementalIdentitySeconds: median((run) => run.incrementalIdentity.ms / 1000),
    incrementalIdentityResolveSeconds: median((run) => run.incrementalIdentity.resolveMs / 1000),
    incrementalIdentityScope: median((run) => run.incrementalIdentity.scope),
    resolveAllSeconds: median((run) => run.resolveAll.ms / 1000),
    resolveAllPeakRssMb: max((run) => run.resolveAll.peakRssMb),
    lookup: classes.map((queryClass) => {
      const rows = runs.map((run) => run.lookup.find((row) => row.queryClass === queryClass)).filter((row) => row !== undefined)
      return {
        queryClass,
        queries: middle(rows.map((row) => row.queries)),
        p50: middle(rows.map((row) => row.p50)),
        p95: middle(rows.map((row) => row.p95)),
        p99: middle(rows.map((row) => row.p99)),
      }
    }),
  }
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const half = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2
}
