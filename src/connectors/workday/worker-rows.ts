import { describeLocation, FormatError } from '../../formats/format-error.ts'
import { quoteNames } from '../../formats/headers.ts'
import type { ExportItem, InputLocation, RejectedInput } from '../types.ts'
import { isEmployeeIdColumn, resolveWorkerFields, scalarText } from './columns.ts'
import type { ColumnMapping } from './raw.ts'
import { hashedSourceId } from './row-id.ts'

/**
 * How a file identifies its workers:
 * - `employee`: by employee id (or the column mapped to employeeId); a row without one is rejected.
 * - `rest`: REST workers, by employee id when the payload has one, else by the WID `id`.
 * - `hash`: the report has no employee id column at all, so a hash of the row's values (row-id.ts).
 */
export type IdMode = { kind: 'employee'; idColumns: string[] } | { kind: 'rest' } | { kind: 'hash' }

/** The id mode of a CSV/XLSX file from its header. */
export function idModeOfHeaders(headers: readonly string[], mapping: ColumnMapping): IdMode {
  const idColumns = headers.filter((header) => isEmployeeIdColumn(header, mapping))
  return idColumns.length > 0 ? { kind: 'employee', idColumns } : { kind: 'hash' }
}

/** One entry or row → a worker record, or the E_WORKDAY_NO_ID reject when it has no id. */
export function workerItem(
  entry: Record<string, unknown>,
  provenance: InputLocation,
  mode: IdMode,
  mapping: ColumnMapping,
  raw: () => string,
): ExportItem {
  const sourceId = sourceIdOf(entry, mode, mapping)
  if (sourceId !== undefined) return { type: 'record', record: { objectType: 'worker', sourceId, payload: entry, provenance } }
  return { type: 'reject', reject: noIdReject(provenance, mode, raw()) }
}

function sourceIdOf(entry: Record<string, unknown>, mode: IdMode, mapping: ColumnMapping): string | undefined {
  if (mode.kind === 'hash') return hashedSourceId(entry)
  const employeeId = resolveWorkerFields(entry, mapping).employeeId?.text
  if (employeeId !== undefined || mode.kind === 'employee') return employeeId
  return scalarText(entry.id)
}

function noIdReject(location: InputLocation, mode: IdMode, raw: string): RejectedInput {
  const why =
    mode.kind === 'rest'
      ? 'it has neither an employee id (employeeID, Employee_ID … or the key mapped to employeeId) nor a WID "id"'
      : mode.kind === 'employee' && mode.idColumns.length > 0
        ? `its employee id (column ${quoteNames(mode.idColumns)}) is empty`
        : 'it has no employee id (no Employee_ID, Employee ID, Worker ID … key or the key mapped to employeeId), though other entries of the report have one'
  return {
    code: 'E_WORKDAY_NO_ID',
    message: `${describeLocation(location)}: the worker cannot be identified: ${why}. Every worker needs an employee id; the row is not imported.`,
    location,
    objectType: 'worker',
    raw,
  }
}

/** A file that could not be read (further): its FormatError, or an IO error, as a reject. */
export function fileReject(error: unknown, location: InputLocation): RejectedInput | undefined {
  if (error instanceof FormatError) return { code: error.code, message: error.message, location: error.location, objectType: 'worker' }
  if (error instanceof Error && 'syscall' in error && typeof (error as NodeJS.ErrnoException).code === 'string') {
    return {
      code: 'E_INPUT_UNREADABLE',
      message: `${describeLocation(location)}: cannot read the file: ${error.message}.`,
      location,
      objectType: 'worker',
    }
  }
  return undefined
}
