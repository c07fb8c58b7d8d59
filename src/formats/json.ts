import type { Readable } from 'node:stream'
import { jsonParser } from 'stream-json/parser.js'
import { jsonVerifier } from 'stream-json/utils/verifier.js'
import type { z } from 'zod'
import type { InputLocation, RejectedInput } from '../connectors/types.ts'
import { describeLocation, formatBytes, FormatError } from './format-error.ts'
import { ArrayWalker, type JsonArrayItem } from './json-array-walker.ts'
import { formatJsonPath } from './json-path.ts'
import { decodeUtf8, toBytes } from './utf8.ts'

export { formatJsonPath } from './json-path.ts'
export type { JsonArrayItem }

/** A whole JSON document is held in memory as text and as values; beyond this, stream it instead. */
const DEFAULT_MAX_JSON_BYTES = 256 * 1024 * 1024

/**
 * Reads a whole JSON document (UTF-8, optional BOM). Throws E_EMPTY_INPUT, E_ENCODING, E_INPUT_LIMIT
 * past `maxBytes`, or E_JSON_SYNTAX with the line and column of the first error.
 */
export async function readJson(input: Readable, location: InputLocation, options: { maxBytes?: number } = {}): Promise<unknown> {
  const parts: string[] = []
  for await (const text of decodeUtf8(limitBytes(input, options.maxBytes ?? DEFAULT_MAX_JSON_BYTES, location), location)) {
    parts.push(text)
  }
  const text = parts.join('')
  if (!/\S/.test(text)) throw emptyInput(location)
  try {
    return JSON.parse(text) as unknown
  } catch {
    // JSON.parse does not always say where; the verifier does. If it finds nothing, the text is cut short.
    try {
      jsonVerifier()(text)
    } catch (error) {
      throw verifierError(error, location)
    }
    throw unfinished(location, endOf(text))
  }
}

async function* limitBytes(input: AsyncIterable<unknown>, maxBytes: number, location: InputLocation): AsyncGenerator<Uint8Array> {
  let total = 0
  for await (const chunk of input) {
    const bytes = toBytes(chunk)
    total += bytes.length
    if (total > maxBytes) {
      throw new FormatError(
        'E_INPUT_LIMIT',
        `${describeLocation(location)}: the file is larger than ${formatBytes(maxBytes)}, the most a JSON document read ` +
          'as a whole may hold.',
        location,
      )
    }
    yield bytes
  }
}

/**
 * Streams the elements of the array at `arrayPath` (object keys from the top: [] for a top-level
 * array, ['Report_Entry'] for {"Report_Entry": [...]}), holding one element in memory at a time.
 * Throws E_JSON_SHAPE when there is no array there and E_JSON_SYNTAX with line and column for
 * invalid JSON, also after elements have been yielded.
 */
export async function* readJsonArray(
  input: Readable,
  location: InputLocation,
  options: { arrayPath?: string[] } = {},
): AsyncGenerator<JsonArrayItem> {
  const walker = new ArrayWalker(options.arrayPath ?? [], location)
  // The tokenizer's errors carry no position; the verifier, fed the same text, reports exactly where.
  const verify = jsonVerifier()
  const tokenize = jsonParser({ packValues: true, streamValues: false })
  const end = new TextPosition()
  let blank = true
  for await (const text of decodeUtf8(input, location)) {
    blank &&= !/\S/.test(text)
    try {
      verify(text)
    } catch (error) {
      throw verifierError(error, location)
    }
    end.advance(text)
    const tokens = tokenize(text)
    if (typeof tokens === 'symbol') continue
    for (const token of tokens.values) {
      const item = walker.consume(token)
      if (item) yield item
    }
  }
  if (blank) throw emptyInput(location)
  if (walker.open) throw unfinished(location, end)
  walker.finish()
}

/** Line and column (1-based, in characters) just past the text seen so far. */
class TextPosition {
  line = 1
  column = 1

  advance(text: string): void {
    let lastBreak = -1
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
      this.line++
      lastBreak = at
    }
    this.column = lastBreak === -1 ? this.column + text.length : text.length - lastBreak
  }
}

function endOf(text: string): TextPosition {
  const position = new TextPosition()
  position.advance(text)
  return position
}

function verifierError(error: unknown, location: InputLocation): FormatError {
  if (!(error instanceof Error && 'line' in error && 'pos' in error)) throw error
  const problem = /\): Verifier (?:cannot parse input: |has )(.*)$/.exec(error.message)?.[1] ?? error.message
  return syntaxError(location, Number(error.line), Number(error.pos), problem)
}

function unfinished(location: InputLocation, end: TextPosition): FormatError {
  return syntaxError(location, end.line, end.column, 'the document ends before it is complete (an array, object or string is not closed)')
}

function syntaxError(location: InputLocation, line: number, column: number, problem: string): FormatError {
  const at = { ...location, line }
  return new FormatError(
    'E_JSON_SYNTAX',
    `${describeLocation(at)}, column ${column}: invalid JSON: ${problem}. The file must hold one JSON document.`,
    at,
  )
}

function emptyInput(location: InputLocation): FormatError {
  return new FormatError('E_EMPTY_INPUT', `${describeLocation(location)}: the file is empty; it must hold a JSON document.`, location)
}

const MAX_LISTED_ISSUES = 5

/**
 * The reject for a JSON value that failed its schema: located at the first issue's path (e.g.
 * $[3].profile.email), with a message listing what each issue expected.
 */
export function schemaReject(error: z.ZodError, location: InputLocation, basePath: string, raw: unknown): RejectedInput {
  const issues = error.issues.map((issue) => `${formatJsonPath(basePath, issue.path)}: ${issue.message}`)
  const more = issues.length > MAX_LISTED_ISSUES ? `; and ${issues.length - MAX_LISTED_ISSUES} more` : ''
  return {
    code: 'E_SCHEMA',
    message:
      `${describeLocation({ ...location, path: basePath })}: the value does not have the expected shape: ` +
      `${issues.slice(0, MAX_LISTED_ISSUES).join('; ')}${more}.`,
    location: { ...location, path: formatJsonPath(basePath, error.issues[0]?.path ?? []) },
    raw: JSON.stringify(raw),
  }
}
