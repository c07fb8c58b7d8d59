/**
 * One benchmark run on a fresh database: the first import end to end (four systems landed, then one
 * resolution pass, each a child process under GNU time), the COPY baseline on the landed rows, the
 * re-import of the unchanged exports (recognised, not read) and their re-read (`--reread`), the import
 * of a 1% change (titles, then emails of the same contacts), resolution alone (`resolve --rekey` over
 * every record) and the lookup latency, in that order.
 */
import { join } from 'node:path'
import { sql } from 'kysely'
import type { ImportReport } from '../pipeline/run-import.ts'
import type { ResolutionReport } from '../resolve/run-resolution.ts'
import type { BuiltInSystem } from '../schema/database.ts'
import type { Logger } from '../logger.ts'
import type { BenchDatabase } from './bench-database.ts'
import { measureCopyBaseline, type CopyBaseline } from './copy-baseline.ts'
import type { ChangedExport, ContactChange } from './change-one-percent.ts'
import { measureLatency, sampleQueries, type LatencyRow } from './lookup-latency.ts'
import { runCliChild, type CliChildDeps } from './run-cli-child.ts'

export interface RunFigures {
  /** Source records the four imports read. */
  records: number
  /** Rows in source_records after the first import (derived organisation records included). */
  landedRows: number
  import: { landMs: number; resolveMs: number; totalMs: number; peakRssMb: number; landPeakRssMb: number; resolvePeakRssMb: number }
  copy: CopyBaseline
  /** The same exports again: recognised by their fingerprint, not read. */
  reimport: { ms: number; rowsWritten: number }
  /** The same exports with --reread: every record parsed, normalised, hashed and compared. */
  reread: { ms: number; rowsWritten: number }
  /** 1% of contacts with a new title: nothing resolution reads changed. */
  incremental: IncrementalFigures
  /** The same contacts with a new email address too: each is resolved again with its scope. */
  incrementalIdentity: IncrementalFigures
  resolveAll: { ms: number; peakRssMb: number }
  lookup: LatencyRow[]
  postgresVersion: string
}

export interface IncrementalFigures {
  changed: number
  ms: number
  resolveMs: number
  /** Records the resolution pass looked at (people and organisations). */
  scope: number
}

export interface MeasureRunDeps {
  cli: CliChildDeps
  logger: Logger
  /** Says what a run is doing, for a person watching. */
  note: (text: string) => void
}

export interface RunInput {
  companyDir: string
  /** The same company with 1% of its records changed in the Salesforce export, by kind of change. */
  changed: Record<ContactChange, ChangedExport>
  queriesPerClass: number
}

/** In this order, so that our own people are known when customers' records arrive (as the demo does). */
const SYSTEMS: readonly BuiltInSystem[] = ['workday', 'google', 'salesforce', 'slack']

const exportPath = (companyDir: string, system: BuiltInSystem) => (system === 'slack' ? join(companyDir, 'slack-export.zip') : join(companyDir, system))

export async function measureRun(deps: MeasureRunDeps, database: BenchDatabase, input: RunInput): Promise<RunFigures> {
  const cli = <T>(args: string[]) => runCliChild<T>(deps.cli, [...args, ...database.childArgs], database.childEnv)
  const importAll = async (flags: string[] = []) => {
    let ms = 0
    let peak = 0
    const reports: ImportReport[] = []
    for (const system of SYSTEMS) {
      const child = await cli<ImportReport>(['import', system, exportPath(input.companyDir, system), '--no-resolve', ...flags])
      ms += child.wallMs
      peak = Math.max(peak, child.peakRssMb)
      reports.push(child.data)
    }
    return { ms, peak, reports }
  }

  deps.note('first import: four systems')
  const first = await importAll()
  deps.note('first import: resolve')
  const resolved = await cli<ResolutionReport>(['resolve'])
  const records = first.reports.reduce((sum, report) => sum + report.records.read, 0)

  deps.note('COPY baseline')
  const copy = await measureCopyBaseline(database, deps.cli.scratchDir)

  deps.note('re-import of the unchanged exports')
  const unchanged = async (flags: string[]) => {
    const again = await importAll(flags)
    const reresolved = await cli<ResolutionReport>(['resolve'])
    const rowsWritten = again.reports.reduce((sum, report) => sum + report.records.new + report.records.changed + report.records.deleted, 0) + reresolved.data.queued
    return { ms: again.ms + reresolved.wallMs, rowsWritten }
  }
  const reimport = await unchanged([])
  deps.note('re-read of the unchanged exports (--reread)')
  const reread = await unchanged(['--reread'])

  const incremental = async (change: ContactChange): Promise<IncrementalFigures> => {
    deps.note(`incremental: ${input.changed[change].changed} contacts with a new ${change}`)
    const landed = await cli<ImportReport>(['import', 'salesforce', input.changed[change].dir, '--no-resolve'])
    const resolvedAgain = await cli<ResolutionReport>(['resolve'])
    return {
      changed: landed.data.records.changed,
      ms: landed.wallMs + resolvedAgain.wallMs,
      resolveMs: resolvedAgain.wallMs,
      scope: resolvedAgain.data.person.scope + resolvedAgain.data.organization.scope,
    }
  }
  const titles = await incremental('title')
  const emails = await incremental('email')

  deps.note('resolution alone: resolve --rekey')
  const all = await cli<ResolutionReport>(['resolve', '--rekey'])

  deps.note('lookup latency')
  const opened = await database.open(4)
  try {
    const queries = await sampleQueries(opened.db, input.queriesPerClass)
    const lookup = await measureLatency({ db: opened.db, clock: { now: () => new Date() }, logger: deps.logger }, queries, opened.mode === 'server' ? 4 : 1)
    const { rows } = await sql<{ landed: number; version: string }>`select (select count(*)::int from source_records) as landed, version() as version`.execute(opened.db)
    return {
      records,
      landedRows: rows[0]!.landed,
      import: {
        landMs: first.ms,
        resolveMs: resolved.wallMs,
        totalMs: first.ms + resolved.wallMs,
        peakRssMb: Math.max(first.peak, resolved.peakRssMb),
        landPeakRssMb: first.peak,
        resolvePeakRssMb: resolved.peakRssMb,
      },
      copy,
      reimport,
      reread,
      incremental: titles,
      incrementalIdentity: emails,
      resolveAll: { ms: all.wallMs, peakRssMb: all.peakRssMb },
      lookup,
      postgresVersion: rows[0]!.version.split(' on ')[0]!,
    }
  } finally {
    await opened.close()
  }
}
