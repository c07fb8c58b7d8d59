import { readFile } from 'node:fs/promises'
import { InvalidArgumentError, type Command } from 'commander'
import { exportConnectors, isBuiltInSystem, SYSTEM_NAMES } from '../../connectors/registry.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { systemClock } from '../../deps.ts'
import { CgError, type ErrorLocation } from '../../errors.ts'
import { openExportSource } from '../../formats/export-source.ts'
import { measureSource } from '../../pipeline/measured-source.ts'
import { runImport, type ImportReport } from '../../pipeline/run-import.ts'
import type { CliCommand } from '../run-cli.ts'
import { createProgress } from '../progress.ts'
import { withDatabase } from '../with-database.ts'
import { formatResolution, resolveWithProgress } from './resolve.ts'

interface ImportFlags {
  connection?: string
  partial?: boolean
  allowMassDelete?: boolean
  maxDeleteShare?: number
  mapping?: string
  resolve: boolean
  reread?: boolean
}

export const importCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('import')
      .description('import an export (file, folder or ZIP) of one system; re-importing the same files changes nothing')
      .argument('<system>', `source system: ${SYSTEM_NAMES.join(', ')}`)
      .argument('<path>', 'export file, unpacked folder or ZIP archive')
      .option('--connection <name>', 'connection to land the records under (default <system>-export)')
      .option('--partial', 'the export is not complete: never mark records missing from it as deleted')
      .option('--allow-mass-delete', 'let a complete export mark more than --max-delete-share of the records deleted')
      .option('--max-delete-share <fraction>', 'largest share of live records one import may mark deleted', parseShare, 0.1)
      .option('--mapping <file.json>', 'Workday: JSON object mapping report columns to fields, e.g. {"Email Address": "workEmail"}')
      .option('--no-resolve', 'land the records only; resolve them later with customer-graph resolve')
      .option('--reread', 'read every record even when the export is byte for byte the one the last import read')
      .addHelpText('after', '\nExit code 1 only when nothing could be read; rejected rows are reported and kept in rejected_records.'),

  run: async (context, args) => {
    const [systemArg, path, flags] = args as [string, string, ImportFlags]
    if (!isBuiltInSystem(systemArg)) {
      throw new CgError('E_USAGE', `unknown system "${systemArg}"; expected one of ${SYSTEM_NAMES.join(', ')}`, { location: { parameter: 'system' } })
    }
    const mapping = flags.mapping ? await readMapping(flags.mapping) : undefined
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      let bytes = 0
      let progress: ReturnType<typeof createProgress> | undefined
      // The bar's timer keeps the process alive: it must stop on every path, failures included.
      const report = await runImport(
        { db: database.db, clock: systemClock, logger: context.logger },
        {
          connector: exportConnectors[systemArg],
          path,
          connectionId: flags.connection,
          readOptions: mapping ? { mapping } : {},
          settings: mapping ? { mapping } : {},
          deletion: { enabled: !flags.partial, allowMassDelete: flags.allowMassDelete ?? false, maxShare: flags.maxDeleteShare },
          reread: flags.reread ?? false,
          openSource: async () => {
            const measured = await measureSource(await openExportSource(path), (read) => (bytes += read))
            progress = createProgress({
              label: `${systemArg} import`,
              totalBytes: measured.totalBytes,
              stream: context.io.stderr,
              interactive: !context.json,
              logger: context.logger,
              now: () => Date.now(),
            })
            return measured.source
          },
          onProgress: ({ records }) => progress?.update(bytes, records.read),
        },
      ).finally(() => progress?.stop())
      context.logger.info({ runId: report.runId, status: report.status, records: report.records }, 'import finished')
      // Only what this import (or an earlier unresolved one) queued is resolved.
      const resolution = flags.resolve ? await resolveWithProgress(context, database) : undefined
      // "Nothing could be read" means not one good record came out of the input and landed.
      const landed = report.records.new + report.records.changed + report.records.unchanged
      const nothingRead = landed === 0 && report.errors.length > 0
      const text = resolution ? `${formatReport(report)}\n${formatResolution(resolution)}` : formatReport(report)
      return { data: resolution ? { ...report, resolution } : report, text, exitCode: nothingRead ? 1 : 0 }
    })
  },
}

function parseShare(value: string): number {
  const share = Number(value)
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new InvalidArgumentError('expected a fraction between 0 and 1, e.g. 0.1')
  return share
}

async function readMapping(file: string): Promise<Record<string, string>> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new CgError('E_CONFIG', `--mapping ${file} could not be read as JSON: ${(error as Error).message}`, { location: { parameter: '--mapping', file } })
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new CgError('E_CONFIG', `--mapping ${file} must be a JSON object of column name → field name strings`, { location: { parameter: '--mapping', file } })
  }
  return parsed as Record<string, string>
}

const number = (value: number) => value.toLocaleString('en-US')

function formatReport(report: ImportReport): string {
  const { records } = report
  const lines = [
    `${report.system} import of ${report.path}: ${report.status} in ${(report.durationMs / 1000).toFixed(1)}s (run ${report.runId})`,
    `  read ${number(records.read)} · new ${number(records.new)} · changed ${number(records.changed)} · unchanged ${number(records.unchanged)} · rejected ${number(records.rejected)} · deleted ${number(records.deleted)}${records.suppressed > 0 ? ` · suppressed ${number(records.suppressed)} (erased people)` : ''}`,
  ]
  if (report.unchangedSince !== undefined) {
    lines.push(`  the export is identical to the one run ${report.unchangedSince} imported, with the same settings: nothing to read (--reread reads it anyway)`)
  }
  const total = report.errors.length + report.errorsOmitted
  if (total > 0) {
    lines.push(`  ${number(total)} error(s)${total > 10 ? ', first 10' : ''} (all rejected rows are in rejected_records):`)
    // Messages name their file and place themselves.
    for (const error of report.errors.slice(0, 10)) lines.push(`    ${error.code} ${error.message}`)
  }
  if (report.skipped.length > 0) {
    lines.push(`  skipped ${report.skipped.length} file(s):`)
    for (const skipped of report.skipped.slice(0, 10)) lines.push(`    ${describe(skipped.location)}: ${skipped.reason}`)
  }
  return lines.join('\n')
}

function describe(location: ErrorLocation): string {
  const parts = [location.file, location.entry].filter((part): part is string => typeof part === 'string')
  const where = [
    location.line !== undefined ? `line ${location.line}` : '',
    location.path ?? '',
    location.sheet !== undefined ? `sheet ${location.sheet} row ${location.row ?? '?'}` : '',
    location.byteOffset !== undefined ? `byte ${location.byteOffset}` : '',
    location.parameter ?? '',
  ].filter(Boolean)
  return [parts.join(' › '), ...where].filter(Boolean).join(' ')
}
