import { describeLocation, FormatError } from '../../formats/format-error.ts'
import { type JsonArrayItem, readJson, readJsonArray, schemaReject } from '../../formats/json.ts'
import type { ExportEntry, ExportItem, InputLocation } from '../types.ts'
import { isEmployeeIdColumn, isPlainObject } from './columns.ts'
import type { Completeness } from './completeness.ts'
import { type ColumnMapping, peopleLinkKeys, restWorkerSchema, workerEntrySchema } from './raw.ts'
import { fileReject, type IdMode, workerItem } from './worker-rows.ts'

/** The JSON shapes a Workday worker file comes in, tried in this order. */
const shapes = [
  { kind: 'raas', arrayPath: ['Report_Entry'] },
  { kind: 'rest', arrayPath: ['data'] },
  { kind: 'array', arrayPath: [] },
] as const
type Shape = (typeof shapes)[number]

type Probe = { kind: 'found'; hasIdColumn: boolean; first: unknown } | { kind: 'missing' } | { kind: 'error'; error: unknown }

/**
 * A REST page is read whole only to learn its `total`; pages hold at most 100 workers. Bounded well
 * below the CLI's heap cap (bin/customer-graph.js), as parsing costs several times the bytes.
 */
const REST_PAGE_MAX_BYTES = 16 * 1024 * 1024

/**
 * Reads a JSON worker file: a RaaS report `{"Report_Entry": [ … ]}`, a REST workers page
 * `{"total": n, "data": [ … ]}` or a plain array of worker objects, streaming the array.
 */
export async function* readJsonFile(entry: ExportEntry, mapping: ColumnMapping, completeness: Completeness): AsyncGenerator<ExportItem> {
  const detected = await detectShape(entry, mapping)
  if ('error' in detected) {
    completeness.fail()
    yield rejectOrThrow(detected.error, entry)
    return
  }
  const { shape, probe } = detected
  if (shape.kind === 'rest' && isPeopleResource(probe.first)) {
    yield {
      type: 'skipped',
      location: entry.location,
      reason:
        'a Workday REST people response: its entries hold links to sub-resources (legalName, workEmails …), not worker data; ' +
        'import a workers response or a report export instead',
    }
    return
  }
  completeness.workerFile()
  const mode: IdMode = shape.kind === 'rest' ? { kind: 'rest' } : probe.hasIdColumn ? { kind: 'employee', idColumns: [] } : { kind: 'hash' }
  let rows = 0
  try {
    for await (const item of readJsonArray(await entry.open(), entry.location, { arrayPath: [...shape.arrayPath] })) {
      rows++
      const result = jsonWorkerItem(item, entry.location, shape.kind === 'rest' ? 'rest' : 'report', mode, mapping)
      if (result === undefined) continue
      if (result.type === 'reject') completeness.fail()
      yield result
    }
  } catch (error) {
    completeness.fail()
    yield rejectOrThrow(error, entry)
    return
  }
  if (shape.kind === 'rest') completeness.restPage(rows, await restTotal(entry))
}

/**
 * One element of a worker array as a record or a reject (an element that is no object, or a REST
 * worker whose known fields have the wrong types, is rejected at its JSON path). The live sync reads
 * the elements of the API answers through this too, so API and export records are the same records.
 */
export function jsonWorkerItem(
  item: JsonArrayItem,
  location: InputLocation,
  kind: 'report' | 'rest',
  mode: IdMode,
  mapping: ColumnMapping,
): ExportItem | undefined {
  const parsed = (kind === 'rest' ? restWorkerSchema : workerEntrySchema).safeParse(item.value)
  if (!parsed.success) return { type: 'reject', reject: { ...schemaReject(parsed.error, location, item.path, item.value), objectType: 'worker' } }
  // The payload is the entry as read (parsed.data would be zod's copy of it).
  if (!isPlainObject(item.value)) return undefined
  const value = item.value
  return workerItem(value, { ...location, path: item.path }, mode, mapping, () => JSON.stringify(value))
}

/** Whether a report entry has a key naming the employee id (RaaS leaves out empty values, so any entry may lack it). */
export function hasEmployeeIdKey(value: unknown, mapping: ColumnMapping): boolean {
  return isPlainObject(value) && Object.keys(value).some((key) => isEmployeeIdColumn(key, mapping))
}

async function detectShape(entry: ExportEntry, mapping: ColumnMapping): Promise<{ shape: Shape; probe: Extract<Probe, { kind: 'found' }> } | { error: unknown }> {
  for (const shape of shapes) {
    const probe = await probeArray(entry, shape.arrayPath, mapping)
    if (probe.kind === 'error') return { error: probe.error }
    if (probe.kind === 'found') return { shape, probe }
  }
  return {
    error: new FormatError(
      'E_JSON_SHAPE',
      `${describeLocation(entry.location)}: not a Workday worker export: expected a report {"Report_Entry": [ … ]}, ` +
        'a REST workers page {"total": …, "data": [ … ]} or an array of worker objects.',
      { ...entry.location, path: '$' },
    ),
  }
}

/**
 * First pass over the array: is it there, and does any entry have an employee id key? RaaS leaves
 * out empty values, so only a report none of whose entries has one lacks the column; the pass stops
 * at the first entry that has one. A file that breaks after its first entry counts as having ids, so
 * its rows are held to them; the main pass reports the break where it is.
 */
async function probeArray(entry: ExportEntry, arrayPath: readonly string[], mapping: ColumnMapping): Promise<Probe> {
  let first: unknown
  let seen = false
  try {
    for await (const item of readJsonArray(await entry.open(), entry.location, { arrayPath: [...arrayPath] })) {
      if (!seen) first = item.value
      seen = true
      if (hasEmployeeIdKey(item.value, mapping)) {
        return { kind: 'found', hasIdColumn: true, first }
      }
    }
    return { kind: 'found', hasIdColumn: false, first }
  } catch (error) {
    if (seen) return { kind: 'found', hasIdColumn: true, first }
    if (error instanceof FormatError && error.code === 'E_JSON_SHAPE') return { kind: 'missing' }
    return { kind: 'error', error }
  }
}

/** REST `GET /people` entries are links to sub-resources: `"workEmails": "https://…/workEmails"`. */
function isPeopleResource(value: unknown): boolean {
  if (!isPlainObject(value)) return false
  const links = peopleLinkKeys.filter((key) => {
    const link = value[key]
    return typeof link === 'string' && /^https?:\/\//i.test(link)
  })
  return links.length >= 2 || isPlainObject(value.universal_ID)
}

async function restTotal(entry: ExportEntry): Promise<number | 'absent' | 'unreadable'> {
  try {
    const document = await readJson(await entry.open(), entry.location, { maxBytes: REST_PAGE_MAX_BYTES })
    const total = isPlainObject(document) ? document.total : undefined
    return typeof total === 'number' && Number.isFinite(total) ? total : 'absent'
  } catch {
    return 'unreadable'
  }
}

function rejectOrThrow(error: unknown, entry: ExportEntry): ExportItem {
  const reject = fileReject(error, entry.location)
  if (reject === undefined) throw error
  return { type: 'reject', reject }
}
