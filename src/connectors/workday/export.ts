import { CgError } from '../../errors.ts'
import type { ExportEntry, ExportItem, ExportSource, ReadContext } from '../types.ts'
import { readColumnMapping } from './columns.ts'
import { Completeness } from './completeness.ts'
import { readJsonFile } from './json-file.ts'
import type { ColumnMapping } from './raw.ts'
import { readCsvFile, readXlsxFile } from './table-file.ts'

/**
 * Reads a Workday export: one report file or a folder/ZIP of them (RaaS JSON, REST workers JSON, UI
 * CSV or XLSX), every row a `worker`. The payload is the row as read; columns are matched to fields
 * when normalising. `complete` comes once, after the last file, when every worker file was read
 * whole without a rejected row (see completeness.ts).
 */
export async function* readWorkdayExport(source: ExportSource, context: ReadContext): AsyncGenerator<ExportItem> {
  const mapping = mappingOption(context.options.mapping)
  const completeness = new Completeness()
  for await (const entry of source.entries()) {
    yield* readEntry(entry, mapping, completeness)
  }
  if (completeness.isComplete()) yield { type: 'complete', objectType: 'worker' }
}

async function* readEntry(entry: ExportEntry, mapping: ColumnMapping, completeness: Completeness): AsyncGenerator<ExportItem> {
  const name = entry.path.split('/').pop() ?? entry.path
  const extension = /\.([^./]+)$/.exec(name)?.[1]?.toLowerCase()
  if (name.startsWith('.') || entry.path.startsWith('__MACOSX/')) {
    yield skipped(entry, 'a hidden or system file, not a Workday export')
    return
  }
  switch (extension) {
    case 'json':
      yield* readJsonFile(entry, mapping, completeness)
      return
    case 'csv':
      yield* readCsvFile(entry, mapping, completeness)
      return
    case 'xlsx':
      yield* readXlsxFile(entry, mapping, completeness)
      return
    case 'xml':
      yield skipped(entry, 'Workday XML report output is not read; run the report with format=json, or export it as CSV or XLSX')
      return
    case 'xls':
      yield skipped(entry, 'an Excel 97-2003 workbook is not read; save it as .xlsx')
      return
    default:
      yield skipped(entry, 'not a Workday worker export; expected .json (RaaS report or REST workers), .csv or .xlsx')
  }
}

function skipped(entry: ExportEntry, reason: string): ExportItem {
  return { type: 'skipped', location: entry.location, reason }
}

/** The column mapping import option; a wrong one stops the import before anything is read. */
function mappingOption(value: unknown): ColumnMapping {
  const { mapping, problems } = readColumnMapping(value)
  if (problems.length > 0) {
    throw new CgError('E_USAGE', `Workday import option mapping: ${problems.map((problem) => problem.message).join('; ')}.`, {
      location: { parameter: 'mapping' },
    })
  }
  return mapping
}
