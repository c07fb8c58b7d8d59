import type { Readable } from 'node:stream'
import yazl from 'yazl'
import type { InputLocation } from '../connectors/types.ts'
import { describeLocation, formatBytes, FormatError } from './format-error.ts'
import { toBytes } from './utf8.ts'
import { DEFAULT_ARCHIVE_LIMITS, listZipEntries, openZipEntry, type ZipEntry } from './zip-archive.ts'

/** The compressed workbook is held in memory, for orderedWorkbook to reorder; its rows are still streamed. */
const MAX_XLSX_BYTES = 512 * 1024 * 1024

/** The whole (compressed) workbook, checked to be a ZIP archive as every .xlsx file is. */
export async function readWorkbookBytes(input: Readable, location: InputLocation): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of input) {
    const bytes = toBytes(chunk)
    length += bytes.length
    if (length > MAX_XLSX_BYTES) {
      input.destroy()
      throw new FormatError('E_INPUT_LIMIT', `${describeLocation(location)}: the workbook is larger than ${formatBytes(MAX_XLSX_BYTES)}, the most read.`, location)
    }
    chunks.push(bytes)
  }
  const bytes = Buffer.concat(chunks)
  if (bytes.length === 0) {
    throw new FormatError('E_EMPTY_INPUT', `${describeLocation(location)}: the file is empty; expected an .xlsx workbook.`, location)
  }
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0xd0cf11e0) {
    throw xlsxCorrupt(location, 'it is an Excel 97-2003 (.xls) workbook; only .xlsx is read, so save it as .xlsx (Excel Workbook)')
  }
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) throw xlsxCorrupt(location, 'it is not a ZIP archive, as every .xlsx file is')
  return bytes
}

const WORKBOOK_PARTS = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/sharedStrings.xml', 'xl/styles.xml']
const SHEET_PART = /^xl\/worksheets\/sheet(\d+)\.xml$/
const EMPTY_SHARED_STRINGS = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
/** Far more than the 16 KiB an unread entry stream buffers, so the unzip stream must wait for it to be read. */
const PADDING_BYTES = 256 * 1024

/**
 * The workbook re-served as a ZIP stream that exceljs's streaming reader reads reliably. That reader
 * takes entries from an unzip stream that ends as soon as its input is used up, dropping entries it
 * has not taken yet (exceljs issue 3064): often the shared strings or xl/workbook.xml, which Excel
 * and exceljs store after the sheets. So: the workbook parts first (with an empty shared-string table
 * when there is none, which also keeps exceljs from spooling sheets to temporary files), the sheets
 * next, and last a padding entry that holds the unzip stream back until all before it are taken.
 * Entries are stored, not compressed again; every entry is held to the archive limits.
 */
export async function orderedWorkbook(bytes: Buffer, location: InputLocation): Promise<Readable> {
  // A part is named after the workbook, which may itself be an entry of an export archive.
  const locate = (part: string) => ({ ...location, entry: location.entry === undefined ? part : `${location.entry}/${part}` })
  const entries = await listZipEntries(bytes, location, DEFAULT_ARCHIVE_LIMITS, locate)
  const byPath = new Map(entries.map((entry) => [entry.path, entry]))
  if (!byPath.has('xl/workbook.xml') || !byPath.has('xl/_rels/workbook.xml.rels')) {
    throw xlsxCorrupt(location, 'it is a ZIP archive without xl/workbook.xml and its relationships, so not an .xlsx workbook')
  }
  const sheetNumber = (entry: ZipEntry) => Number(SHEET_PART.exec(entry.path)?.[1])
  const sheets = entries.filter((entry) => SHEET_PART.test(entry.path)).sort((a, b) => sheetNumber(a) - sheetNumber(b))
  const zip = new yazl.ZipFile()
  const output = zip.outputStream as Readable
  const fail = (error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error)))
  zip.on('error', fail)
  for (const entry of [...WORKBOOK_PARTS.map((path) => byPath.get(path)), ...sheets]) {
    if (entry === undefined) continue
    zip.addReadStreamLazy(entry.path, { compress: false }, (done) => {
      openZipEntry(bytes, entry, locate(entry.path)).then((stream) => {
        stream.on('error', fail)
        done(null, stream)
      }, fail)
    })
  }
  if (!byPath.has('xl/sharedStrings.xml')) zip.addBuffer(EMPTY_SHARED_STRINGS, 'xl/sharedStrings.xml', { compress: false })
  zip.addBuffer(Buffer.alloc(PADDING_BYTES), 'padding', { compress: false })
  zip.end()
  return output
}

export function xlsxCorrupt(location: InputLocation, reason: string, cause?: unknown): FormatError {
  return new FormatError('E_XLSX_CORRUPT', `${describeLocation(location)}: cannot read the file as an .xlsx workbook: ${reason}.`, location, { cause })
}

