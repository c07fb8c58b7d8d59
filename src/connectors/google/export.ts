import type { Readable } from 'node:stream'
import { errorMessage } from '../../errors.ts'
import { readCsv } from '../../formats/csv.ts'
import { describeLocation, FormatError } from '../../formats/format-error.ts'
import { readIcsEvents, type IcsEvent } from '../../formats/ics.ts'
import { readJsonArray, schemaReject } from '../../formats/json.ts'
import type { ExportEntry, ExportItem, ExportSource, InputLocation, ReadContext, RejectedInput } from '../types.ts'
import { contactCsvSourceId, readContactCsvRow } from './contacts-csv.ts'
import { clean, stripHeaderTag } from './csv-cells.ts'
import { contactSourceId } from './contact-key.ts'
import { classifyCsvHeader, classifyPrefix, hasAdminHeaderTags, isUtf16, SNIFF_BYTES, unrecognisedCsvReason, type CsvKind, type JsonObjectType, type PrefixKind } from './detect.ts'
import { attendeePayload, eventParties, eventSourceId } from './event-records.ts'
import { directoryUserSchema, peoplePersonSchema } from './raw.ts'
import { ReadState } from './read-state.ts'
import { utf16ToUtf8 } from './utf16.ts'

/**
 * Reads a Google Workspace export: a single file, a folder or a ZIP (Takeout-like) holding Admin console
 * users CSVs, Google Contacts CSVs, Directory API users JSON, People API connections JSON and Calendar
 * .ics files, in any mix. Each file's kind is told from its content; anything else is reported as
 * skipped. Rows and array elements are streamed one at a time; a record id repeated in the export is
 * left to the pipeline to reject. Read option `attendeeWindow`: distinct calendar attendees held in
 * memory before they are handed out (default ATTENDEE_WINDOW).
 */
export async function* readGoogleExport(source: ExportSource, context: ReadContext): AsyncGenerator<ExportItem> {
  const window = context.options.attendeeWindow
  const state = new ReadState(typeof window === 'number' && window >= 1 ? window : undefined)
  let entriesRead = 0
  const entries = source.entries()[Symbol.asyncIterator]()
  for (;;) {
    let next: IteratorResult<ExportEntry>
    try {
      next = await entries.next()
    } catch (error) {
      // Nothing read yet: the input as a whole is unreadable, which is the caller's error to report.
      if (entriesRead === 0) throw error
      state.blockAll()
      yield { type: 'reject', reject: fileReject(error, { file: source.path }) }
      break
    }
    if (next.done) break
    entriesRead += 1
    yield* readEntry(next.value, state)
  }
  yield* attendeeItems(state)
  for (const objectType of state.completeObjectTypes()) yield { type: 'complete', objectType }
}

/**
 * Calendar attendees as records of their own. They are pieced together from events, so they land as
 * inferred records: an attendee handed out again in a later window is folded into the first copy.
 */
function* attendeeItems(state: ReadState): Generator<ExportItem> {
  for (const [sourceId, { email, name, location }] of state.drainAttendees()) {
    yield { type: 'record', record: { objectType: 'calendar_attendee', sourceId, payload: attendeePayload(email, name), provenance: location, inferred: true } }
  }
}

async function* readEntry(entry: ExportEntry, state: ReadState): AsyncGenerator<ExportItem> {
  let input: Readable | undefined
  try {
    const head = await readHead(entry, SNIFF_BYTES)
    const kind = classifyPrefix(entry.path, head)
    if (kind.kind === 'skip') {
      yield { type: 'skipped', location: entry.location, reason: kind.reason }
      return
    }
    // The contract lets an entry be opened again: the readers get the whole file from its first byte.
    input = await entry.open()
    const encoding = isUtf16(head)
    // Older "Google CSV" Contacts exports are UTF-16 with a byte order mark; the format readers read UTF-8.
    yield* readClassified(entry, kind, encoding ? utf16ToUtf8(input, encoding) : input, state)
  } catch (error) {
    // Unreadable before its kind is known (the readers catch their own errors): it may have held any type.
    state.blockAll()
    yield { type: 'reject', reject: fileReject(error, entry.location) }
  } finally {
    // A reader that failed or stopped early may leave its input open.
    input?.destroy()
  }
}

/** The first `limit` bytes of an entry (fewer if it is shorter), to tell its kind. */
async function readHead(entry: ExportEntry, limit: number): Promise<Uint8Array> {
  const stream = await entry.open()
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      chunks.push(bytes)
      size += bytes.length
      if (size >= limit) break
    }
  } finally {
    stream.destroy()
  }
  return Buffer.concat(chunks).subarray(0, limit)
}

async function* readClassified(entry: ExportEntry, kind: Exclude<PrefixKind, { kind: 'skip' }>, stream: Readable, state: ReadState): AsyncGenerator<ExportItem> {
  switch (kind.kind) {
    case 'json-shape-error':
      state.seen(kind.objectType)
      state.block(kind.objectType)
      yield {
        type: 'reject',
        reject: {
          code: 'E_SCHEMA',
          message: `${describeLocation({ ...entry.location, path: kind.path })}: ${kind.message}; nothing in this file was imported.`,
          location: { ...entry.location, path: kind.path },
          objectType: kind.objectType,
        },
      }
      return
    case 'json-array':
      yield* guarded(state, [kind.objectType], entry, readJsonFile(entry, stream, kind.objectType, kind.arrayPath, state))
      return
    case 'ics':
      yield* guarded(state, ['event'], entry, readIcsFile(entry, stream, state))
      return
    case 'csv':
      yield* readCsvFile(entry, stream, state)
      return
  }
}

/** Runs one file's reader; a fatal problem of that file becomes a reject and blocks its object types. */
async function* guarded(state: ReadState, objectTypes: string[], entry: ExportEntry, items: AsyncGenerator<ExportItem>): AsyncGenerator<ExportItem> {
  for (const objectType of objectTypes) state.seen(objectType)
  try {
    yield* items
  } catch (error) {
    for (const objectType of objectTypes) state.block(objectType)
    yield { type: 'reject', reject: { ...fileReject(error, entry.location), objectType: objectTypes[0] } }
  }
}

function fileReject(error: unknown, location: InputLocation): RejectedInput {
  if (error instanceof FormatError) return { code: error.code, message: error.message, location: error.location }
  return { code: 'E_READ', message: `${describeLocation(location)}: the file cannot be read: ${errorMessage(error)}.`, location }
}

function isoTimeOrUndefined(value: string | undefined): string | undefined {
  return value !== undefined && !Number.isNaN(Date.parse(value)) && /T.*(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : undefined
}

// ---- JSON: Directory API users, People API connections / otherContacts ----

/** People API: the CONTACT source's update time, else the latest of the sources'. */
export function personUpdatedAt(sources: { type?: string | undefined; updateTime?: string | undefined }[] | undefined): string | undefined {
  const contact = sources?.find((source) => source.type === 'CONTACT')?.updateTime
  if (contact !== undefined) return isoTimeOrUndefined(contact)
  const times = (sources ?? []).map((source) => isoTimeOrUndefined(source.updateTime)).filter((time): time is string => time !== undefined)
  return times.sort().at(-1)
}

async function* readJsonFile(entry: ExportEntry, input: Readable, objectType: JsonObjectType, arrayPath: string[], state: ReadState): AsyncGenerator<ExportItem> {
  for await (const { value, path } of readJsonArray(input, entry.location, { arrayPath })) {
    const location: InputLocation = { ...entry.location, path }
    if (objectType === 'user') {
      const parsed = directoryUserSchema.safeParse(value)
      if (!parsed.success) {
        state.block(objectType)
        yield { type: 'reject', reject: { ...schemaReject(parsed.error, entry.location, path, value), objectType } }
        continue
      }
      const sourceId = parsed.data.primaryEmail.trim().toLowerCase()
      const deletionTime = clean(parsed.data.deletionTime)
      yield {
        type: 'record',
        record: {
          objectType,
          sourceId,
          payload: value as Record<string, unknown>,
          provenance: location,
          ...(deletionTime !== undefined ? { deleted: { reason: `deletionTime ${deletionTime}` } } : {}),
        },
      }
      continue
    }
    const parsed = peoplePersonSchema.safeParse(value)
    if (!parsed.success) {
      state.block(objectType)
      yield { type: 'reject', reject: { ...schemaReject(parsed.error, entry.location, path, value), objectType } }
      continue
    }
    const deleted = parsed.data.metadata?.deleted === true
    // Saved contacts are keyed like the Contacts CSV and the People API sync (first e-mail, contact-key.ts);
    // other contacts, which only the API has, by their resourceName. A deleted saved contact (a sync
    // page's `{resourceName, metadata: {deleted: true}}`) names no e-mail, so it names no record: it is
    // left out, and a complete read infers the contact gone.
    if (deleted && objectType === 'contact') continue
    const sourceId = objectType === 'contact' ? contactSourceId(parsed.data) : parsed.data.resourceName.trim()
    const updatedAt = personUpdatedAt(parsed.data.metadata?.sources)
    yield {
      type: 'record',
      record: {
        objectType,
        sourceId,
        payload: value as Record<string, unknown>,
        provenance: location,
        ...(updatedAt !== undefined ? { sourceUpdatedAt: updatedAt } : {}),
        // A sync page (syncToken) returns removed contacts with metadata.deleted.
        ...(deleted ? { deleted: { reason: 'metadata.deleted' } } : {}),
      },
    }
  }
}

// ---- CSV: Admin console users, Google Contacts ----

async function* readCsvFile(entry: ExportEntry, input: Readable, state: ReadState): AsyncGenerator<ExportItem> {
  let kind: CsvKind | undefined
  let objectType: 'user' | 'contact' | undefined
  let emailHeader: string | undefined
  try {
    for await (const item of readCsv(input, entry.location)) {
      if (item.type === 'header') {
        kind = classifyCsvHeader(item.headers)
        if (kind === undefined && hasAdminHeaderTags(item.headers)) {
          state.block('user')
          const location: InputLocation = { ...entry.location, line: item.line }
          yield {
            type: 'reject',
            reject: {
              code: 'E_CSV_HEADER',
              message: `${describeLocation(location)}: this Admin console users file has no "Email Address [Required]" column, which identifies each user; found: ${item.headers.join(', ')}. Download the users again with all columns.`,
              location,
              objectType: 'user',
            },
          }
          return
        }
        if (kind === undefined) {
          yield { type: 'skipped', location: entry.location, reason: unrecognisedCsvReason(entry.path) }
          return
        }
        objectType = kind.kind === 'admin-users' ? 'user' : 'contact'
        emailHeader = item.headers.find((header) => stripHeaderTag(header).toLowerCase() === 'email address')
        state.seen(objectType)
        continue
      }
      if (objectType === undefined) continue
      const location: InputLocation = { ...entry.location, line: item.line }
      if (item.type === 'error') {
        // The row is lost, and with it possibly a record that exists: the file is no complete read.
        state.block(objectType)
        yield {
          type: 'reject',
          reject: {
            code: item.code,
            message: item.message,
            location: { ...location, ...(item.byteOffset !== undefined ? { byteOffset: item.byteOffset } : {}) },
            objectType,
            raw: item.raw,
          },
        }
        continue
      }
      const sourceId = objectType === 'user' ? adminUserSourceId(item.values, emailHeader) : csvContactSourceId(item.values)
      if (typeof sourceId !== 'string') {
        // No key, so no record of it can exist already: not a reason to withhold completeness.
        const message = `${describeLocation(location)}: ${sourceId.message}`
        yield { type: 'reject', reject: { code: sourceId.code, message, location, objectType, raw: item.raw } }
        continue
      }
      yield { type: 'record', record: { objectType, sourceId, payload: item.values, provenance: location } }
    }
  } catch (error) {
    if (objectType === undefined) {
      // The header itself is unreadable: nothing says this was meant to be a Google export.
      yield { type: 'skipped', location: entry.location, reason: `${unrecognisedCsvReason(entry.path)} (${errorMessage(error)})` }
      return
    }
    state.block(objectType)
    yield { type: 'reject', reject: { ...fileReject(error, entry.location), objectType } }
  }
}

function adminUserSourceId(values: Record<string, string>, emailHeader: string | undefined): string | { code: string; message: string } {
  const email = clean(emailHeader === undefined ? undefined : values[emailHeader])
  if (email === undefined) {
    return { code: 'E_GOOGLE_USER_NO_EMAIL', message: 'the row has no Email Address; every Admin console user needs a primary email.' }
  }
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
    return { code: 'E_GOOGLE_USER_EMAIL', message: `the Email Address "${email}" is not an email address (name@domain); the user is not imported.` }
  }
  return email.toLowerCase()
}

function csvContactSourceId(values: Record<string, string>): string | { code: string; message: string } {
  return (
    contactCsvSourceId(readContactCsvRow(values)) ?? {
      code: 'E_GOOGLE_CONTACT_NO_KEY',
      message: 'the contact has neither an e-mail address (E-mail n - Value) nor a name (First/Middle/Last Name, or Name/Given Name/Family Name), so it cannot be told apart from other contacts.',
    }
  )
}

// ---- iCalendar ----

/** The event as landed: JSON-safe, without absent fields. */
function eventPayload(event: IcsEvent): Record<string, unknown> {
  return JSON.parse(JSON.stringify(event)) as Record<string, unknown>
}

async function* readIcsFile(entry: ExportEntry, input: Readable, state: ReadState): AsyncGenerator<ExportItem> {
  for await (const item of readIcsEvents(input, entry.location)) {
    if (item.type === 'error') {
      state.block('event')
      const location: InputLocation = { ...entry.location, ...(item.line !== undefined ? { line: item.line } : {}) }
      yield { type: 'reject', reject: { code: item.code, message: item.message, location, objectType: 'event', ...(item.raw !== undefined ? { raw: item.raw } : {}) } }
      continue
    }
    const { event } = item
    const location: InputLocation = { ...entry.location, line: item.line }
    const where = describeLocation(location)
    if (clean(event.uid) === undefined) {
      yield { type: 'reject', reject: { code: 'E_GOOGLE_EVENT_NO_UID', message: `${where}: VEVENT has no UID; every event needs one to be told apart.`, location, objectType: 'event' } }
      continue
    }
    if (clean(event.start) === undefined) {
      state.block('event')
      yield {
        type: 'reject',
        reject: { code: 'E_GOOGLE_EVENT_NO_START', message: `${where}: VEVENT ${event.uid} has no DTSTART; an event needs a start date or date-time.`, location, objectType: 'event' },
      }
      continue
    }
    const sourceId = eventSourceId(event)
    const updatedAt = isoTimeOrUndefined(event.lastModified)
    yield {
      type: 'record',
      record: { objectType: 'event', sourceId, payload: eventPayload(event), provenance: location, ...(updatedAt !== undefined ? { sourceUpdatedAt: updatedAt } : {}) },
    }
    for (const { email, name } of eventParties(event)) state.meetAttendee(email, name, location)
    if (state.attendeesDue()) yield* attendeeItems(state)
  }
}
