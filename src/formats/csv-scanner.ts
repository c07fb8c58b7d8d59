import { isUtf8 } from 'node:buffer'
import { bomLength, findInvalidUtf8, toBytes } from './utf8.ts'
import { formatBytes } from './format-error.ts'

const QUOTE = 0x22
const COMMA = 0x2c
const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20
const TAB = 0x09

/** One CSV record as bytes turned text, or the reason it could not be read. */
export type CsvScanItem =
  | { type: 'record'; line: number; byteOffset: number; fields: string[]; raw: string }
  | {
      type: 'error'
      code: 'E_CSV_QUOTE' | 'E_ENCODING' | 'E_INPUT_LIMIT'
      line: number
      byteOffset: number
      /** What is wrong and what is allowed, without the where (the caller knows the file). */
      problem: string
      raw: string
      /** Set when reading resynchronised: the next record is looked for from this line on. */
      resumeLine?: number
    }

/** What scanRecord found; one instance is reused for every record to spare an allocation per row. */
interface Scan {
  /** [start, end, hasDoubledQuotes] per field, as byte indexes into the buffer. */
  fields: number[]
  /** Index just past the record's line terminator. */
  next: number
  /** Index where the record's content ends, before its line terminator. */
  contentEnd: number
  /** Line feeds inside quoted values: the next record starts this many lines further down. */
  innerLines: number
  /** Index of the first character after a closing quote that is not a comma or line end, or -1. */
  strayAfterQuote: number
  /** The buffer ended inside a quoted value (meaningful when scanRecord returned false). */
  inQuotes: boolean
}

/**
 * Scans the RFC 4180 record starting at `start`. Returns false when the buffer ends before the
 * record does (more input is needed, or at the end of input: a quoted value was never closed).
 * A quote only opens a quoted value at the start of a field; elsewhere it is a literal character.
 */
function scanRecord(buf: Buffer, start: number, atEnd: boolean, scan: Scan): boolean {
  const fields = scan.fields
  const n = buf.length
  fields.length = 0
  scan.innerLines = 0
  scan.strayAfterQuote = -1
  scan.inQuotes = false
  let i = start
  for (;;) {
    let keepField = true
    if (i < n && buf[i] === QUOTE) {
      let j = i + 1
      let doubled = 0
      for (;;) {
        if (j >= n || (j + 1 >= n && !atEnd && buf[j] === QUOTE)) {
          scan.inQuotes = true
          return false
        }
        const c = buf[j]
        if (c === QUOTE) {
          if (buf[j + 1] !== QUOTE) break
          doubled = 1
          j += 2
          continue
        }
        if (c === LF) scan.innerLines++
        j++
      }
      fields.push(i + 1, j, doubled)
      i = j + 1
      if (i >= n) return endRecord(scan, n, n)
      const c = buf[i]
      if (c === COMMA) {
        i++
        continue
      }
      if (c === LF) return endRecord(scan, i, i + 1)
      if (c === CR) {
        if (i + 1 >= n) return atEnd && endRecord(scan, i, n)
        if (buf[i + 1] === LF) return endRecord(scan, i, i + 2)
      }
      // Text after a closing quote: the record is malformed, but where it ends is still clear.
      if (scan.strayAfterQuote < 0) scan.strayAfterQuote = i
      keepField = false
    }
    let j = i
    while (j < n) {
      const c = buf[j]
      if (c === COMMA || c === LF) break
      j++
    }
    if (j >= n && !atEnd) return false
    const end = j > i && buf[j - 1] === CR && buf[j] !== COMMA ? j - 1 : j
    if (keepField) fields.push(i, end, 0)
    if (j >= n) return endRecord(scan, end, n)
    if (buf[j] === LF) return endRecord(scan, end, j + 1)
    i = j + 1
  }
}

function endRecord(scan: Scan, contentEnd: number, next: number): true {
  scan.contentEnd = contentEnd
  scan.next = next
  return true
}

/**
 * Splits a CSV byte stream into records with their first line and file offset. Memory stays bounded:
 * a record still open after `maxRecordBytes` is reported (an unclosed quote, usually) and reading
 * resumes at the line after its first line, as it also does for a quote left open at the end of input.
 * A record that is not valid UTF-8 is reported with the offset of its first bad byte.
 */
class CsvScanner {
  private readonly maxRecordBytes: number
  private readonly scan: Scan = { fields: [], next: 0, contentEnd: 0, innerLines: 0, strayAfterQuote: -1, inQuotes: false }
  private pending: Buffer = Buffer.alloc(0)
  /** Read position in `pending`. */
  private pos = 0
  /** File offset of pending[0]. */
  private base = 0
  /** Line of the record starting at `pos`. */
  private line = 1
  private started = false
  /** Dropping the rest of an over-long line after reporting it. */
  private skippingLine = false

  constructor(maxRecordBytes: number) {
    this.maxRecordBytes = maxRecordBytes
  }

  *push(chunk: Uint8Array): Generator<CsvScanItem> {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    this.base += this.pos
    this.pending = this.pos < this.pending.length ? Buffer.concat([this.pending.subarray(this.pos), bytes]) : bytes
    this.pos = 0
    yield* this.drain(false)
  }

  *end(): Generator<CsvScanItem> {
    yield* this.drain(true)
  }

  private *drain(atEnd: boolean): Generator<CsvScanItem> {
    const { pending, scan } = this
    if (!this.started) {
      if (pending.length < 3 && !atEnd) return
      this.pos = bomLength(pending)
      this.started = true
    }
    while (this.pos < pending.length) {
      if (this.skippingLine) {
        const lf = pending.indexOf(LF, this.pos)
        this.skippingLine = lf === -1
        this.pos = lf === -1 ? pending.length : lf + 1
        continue
      }
      const start = this.pos
      const line = this.line
      if (scanRecord(pending, start, atEnd, scan)) {
        this.line += 1 + scan.innerLines
        this.pos = scan.next
        const item = this.record(start, line)
        if (item) yield item
      } else if (atEnd || pending.length - start > this.maxRecordBytes) {
        yield this.resynchronise(start, line, atEnd)
      } else return
    }
  }

  /** Reports the record at `start` that never ended and skips to the line after its first line. */
  private resynchronise(start: number, line: number, atEnd: boolean): CsvScanItem {
    const { pending, scan } = this
    const lf = pending.indexOf(LF, start)
    this.line = line + 1
    this.pos = lf === -1 ? pending.length : lf + 1
    this.skippingLine = lf === -1 && !atEnd
    const firstLineEnd = lf === -1 ? pending.length : lf > start && pending[lf - 1] === CR ? lf - 1 : lf
    const limit = formatBytes(this.maxRecordBytes)
    return {
      type: 'error',
      code: scan.inQuotes ? 'E_CSV_QUOTE' : 'E_INPUT_LIMIT',
      line,
      byteOffset: this.base + start,
      problem: scan.inQuotes
        ? `a quoted value opened on this line is not closed ${atEnd ? 'before the end of the file' : `within ${limit}`}. ` +
          'A quoted value must end with a quote; write "" for a quote inside it.'
        : `the row is longer than ${limit}, the most a row may hold.`,
      raw: pending.toString('utf8', start, firstLineEnd),
      resumeLine: line + 1,
    }
  }

  private record(start: number, line: number): CsvScanItem | undefined {
    const { pending, scan } = this
    const { contentEnd, fields } = scan
    // A line of nothing but spaces is no record, just as an empty line is none.
    if (fields.length === 3 && isBlank(pending, fields[0]!, fields[1]!)) return undefined
    const byteOffset = this.base + start
    if (!isUtf8(pending.subarray(start, contentEnd))) {
      const bad = findInvalidUtf8(pending, start, contentEnd)
      return {
        type: 'error',
        code: 'E_ENCODING',
        line,
        byteOffset: this.base + bad,
        problem: `the row is not valid UTF-8 (the first bad byte is at file offset ${this.base + bad}); only UTF-8 text is read.`,
        raw: pending.toString('utf8', start, contentEnd),
      }
    }
    const raw = pending.toString('utf8', start, contentEnd)
    if (scan.strayAfterQuote >= 0) {
      const stray = pending.toString('utf8', scan.strayAfterQuote, Math.min(contentEnd, scan.strayAfterQuote + 20))
      return {
        type: 'error',
        code: 'E_CSV_QUOTE',
        line,
        byteOffset,
        problem: `a quoted value is followed by "${stray}" instead of a comma or the end of the line. ` +
          'A quoted value must end with a quote followed by a comma or a line break; write "" for a quote inside it.',
        raw,
      }
    }
    // Slice the fields out of the row's text: one decode per row rather than one per field. In a pure
    // ASCII row (most of them) byte offsets are string offsets; otherwise they are counted over.
    const ascii = raw.length === contentEnd - start
    const values = new Array<string>(fields.length / 3)
    let byte = start
    let char = 0
    for (let f = 0; f < fields.length; f += 3) {
      const from = fields[f]!
      const to = fields[f + 1]!
      const charFrom = ascii ? from - start : char + utf16Length(pending, byte, from)
      const charTo = ascii ? to - start : charFrom + utf16Length(pending, from, to)
      byte = to
      char = charTo
      const value = raw.slice(charFrom, charTo)
      values[f / 3] = fields[f + 2] === 1 ? value.replaceAll('""', '"') : value
    }
    return { type: 'record', line, byteOffset, fields: values, raw }
  }
}

/** UTF-16 code units the valid UTF-8 bytes[from, to) decode to: one per sequence, two from four bytes. */
function utf16Length(bytes: Buffer, from: number, to: number): number {
  let length = 0
  for (let i = from; i < to; i++) {
    const byte = bytes[i]!
    if ((byte & 0xc0) !== 0x80) length += byte >= 0xf0 ? 2 : 1
  }
  return length
}

function isBlank(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== SPACE && buf[i] !== TAB) return false
  return true
}

/** The records of a byte stream, a batch per input chunk: one await per chunk rather than per row. */
export async function* scanCsv(input: AsyncIterable<unknown>, maxRecordBytes: number): AsyncGenerator<CsvScanItem[]> {
  const scanner = new CsvScanner(maxRecordBytes)
  for await (const chunk of input) yield [...scanner.push(toBytes(chunk))]
  yield [...scanner.end()]
}
