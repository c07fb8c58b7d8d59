import type { InputLocation } from '../connectors/types.ts'

/** Codes of the per-file errors the format readers throw; a per-record problem is yielded instead. */
export type FormatErrorCode =
  | 'E_INPUT_NOT_FOUND'
  | 'E_EMPTY_INPUT'
  | 'E_INPUT_LIMIT'
  | 'E_ENCODING'
  | 'E_CSV_HEADER'
  | 'E_CSV_QUOTE'
  | 'E_JSON_SYNTAX'
  | 'E_JSON_SHAPE'
  | 'E_XLSX_CORRUPT'
  | 'E_XLSX_HEADER'
  | 'E_XLSX_SHEET'
  | 'E_ICS_SYNTAX'
  | 'E_ARCHIVE_CORRUPT'
  | 'E_ARCHIVE_LIMIT'
  | 'E_ARCHIVE_UNSAFE_PATH'

/**
 * A file that cannot be read at all (as opposed to one bad record in it). The pipeline turns it into
 * a file-level failure; the location says where, the message what is wrong and what is allowed.
 */
export class FormatError extends Error {
  readonly code: FormatErrorCode
  readonly location: InputLocation

  constructor(code: FormatErrorCode, message: string, location: InputLocation, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'FormatError'
    this.code = code
    this.location = location
  }
}

/** "export.zip, entry users.csv, line 3": the where-part that starts every message. */
export function describeLocation(location: InputLocation): string {
  const parts = [location.file]
  if (location.entry !== undefined) parts.push(`entry ${location.entry}`)
  if (location.sheet !== undefined) parts.push(`sheet ${location.sheet}`)
  if (location.row !== undefined) parts.push(`row ${location.row}`)
  if (location.line !== undefined) parts.push(`line ${location.line}`)
  if (location.byteOffset !== undefined) parts.push(`byte offset ${location.byteOffset}`)
  if (location.path !== undefined) parts.push(`at ${location.path}`)
  return parts.join(', ')
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} bytes` : `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`
}
