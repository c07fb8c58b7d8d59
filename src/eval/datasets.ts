import { join } from 'node:path'
import type { FieldName, MatchRecord } from '../resolve/match/index.ts'
import { readCsvFile } from './csv-file.ts'

/**
 * The labelled benchmark datasets (../shared/datasets/entity-resolution/README.md). Each loader
 * maps its columns onto the matcher's field kinds and reads the ground truth separately; the
 * truth never reaches the matcher.
 */

export interface DedupeDataset {
  task: 'dedupe'
  name: string
  records: MatchRecord[]
  /** Entity id by record id. */
  truth: Map<string, string>
}

export interface LinkDataset {
  task: 'link'
  name: string
  left: MatchRecord[]
  right: MatchRecord[]
  truth: Map<string, string>
}

export type Dataset = DedupeDataset | LinkDataset

type ColumnMap = Partial<Record<string, FieldName>>

function toRecord(row: Record<string, string>, id: string, source: string, columns: ColumnMap): MatchRecord {
  const fields: Partial<Record<FieldName, string>> = {}
  for (const [column, field] of Object.entries(columns)) {
    const value = row[column]?.trim()
    if (field !== undefined && value !== undefined && value !== '') fields[field] = value
  }
  return { id, source, fields }
}

function required(row: Record<string, string>, column: string, file: string): string {
  const value = row[column]
  if (value === undefined || value === '') throw new Error(`${file}: a row has no ${column}`)
  return value
}

const FEBRL_COLUMNS: ColumnMap = {
  given_name: 'givenName',
  surname: 'familyName',
  street_number: 'streetNumber',
  address_1: 'street',
  address_2: 'addressLine2',
  suburb: 'locality',
  postcode: 'postcode',
  state: 'region',
  date_of_birth: 'birthDate',
  soc_sec_id: 'idNumber',
}

/** FEBRL truth is in the id: rec-<N>-org and rec-<N>-dup-<k> are the same person. */
function febrlEntity(recId: string): string {
  const match = /^rec-(\d+)-/.exec(recId)
  if (match?.[1] === undefined) throw new Error(`unexpected FEBRL rec_id ${recId}`)
  return match[1]
}

async function readFebrl(root: string, file: string): Promise<{ records: MatchRecord[]; truth: Map<string, string> }> {
  const rows = await readCsvFile(join(root, 'febrl', file))
  const truth = new Map<string, string>()
  const records = rows.map((row) => {
    const id = required(row, 'rec_id', file)
    truth.set(id, febrlEntity(id))
    return toRecord(row, id, file, FEBRL_COLUMNS)
  })
  return { records, truth }
}

export async function loadFebrl(root: string, number: 1 | 2 | 3): Promise<DedupeDataset> {
  const { records, truth } = await readFebrl(root, `dataset${number}.csv`)
  return { task: 'dedupe', name: `FEBRL${number}`, records, truth }
}

/** FEBRL4: 4a's originals link to 4b's duplicates; ids are prefixed by side, since both use rec-<N>. */
export async function loadFebrl4(root: string): Promise<LinkDataset> {
  const a = await readFebrl(root, 'dataset4a.csv')
  const b = await readFebrl(root, 'dataset4b.csv')
  const truth = new Map<string, string>()
  const side = (records: MatchRecord[], sideTruth: Map<string, string>, prefix: string): MatchRecord[] =>
    records.map((record) => {
      truth.set(`${prefix}:${record.id}`, sideTruth.get(record.id) ?? record.id)
      return { ...record, id: `${prefix}:${record.id}` }
    })
  return { task: 'link', name: 'FEBRL4 (4a↔4b)', left: side(a.records, a.truth, 'a'), right: side(b.records, b.truth, 'b'), truth }
}

export async function loadFake1000(root: string): Promise<DedupeDataset> {
  const file = 'fake_1000.csv'
  const rows = await readCsvFile(join(root, 'splink', file))
  const truth = new Map<string, string>()
  const records = rows.map((row) => {
    const id = required(row, 'unique_id', file)
    truth.set(id, required(row, 'cluster', file))
    return toRecord(row, id, file, { first_name: 'givenName', surname: 'familyName', dob: 'birthDate', city: 'city', email: 'email' })
  })
  return { task: 'dedupe', name: 'fake_1000', records, truth }
}

/**
 * dedupe's csv_example: Chicago early-childhood sites from nine lists. The identifying columns are
 * the site name, address, zip and phone (the same four dedupe's own example uses); websites and
 * agency names belong to the parent agency, shared by its many sites, so they are not mapped.
 */
export async function loadDedupeCsvExample(root: string): Promise<DedupeDataset> {
  const file = 'csv_example_input_with_true_ids.csv'
  const rows = await readCsvFile(join(root, 'dedupe-examples', file))
  const truth = new Map<string, string>()
  const records = rows.map((row) => {
    const id = required(row, 'Id', file)
    truth.set(id, required(row, 'True Id', file))
    return { ...toRecord(row, id, row.Source ?? file, { 'Site name': 'organization', Address: 'streetAddress', Zip: 'postcode', Phone: 'phone' }) }
  })
  return { task: 'dedupe', name: 'dedupe csv_example', records, truth }
}

/** PATSTAT Dutch patent parties; truth joins patstat_reference.csv on person_id (leuven_id). */
export async function loadPatstat(root: string): Promise<DedupeDataset> {
  const file = 'patstat_input.csv'
  const rows = await readCsvFile(join(root, 'dedupe-examples', file))
  const reference = await readCsvFile(join(root, 'dedupe-examples', 'patstat_reference.csv'))
  const referenceFile = 'patstat_reference.csv'
  const entityOf = new Map(reference.map((row) => [required(row, 'person_id', referenceFile), required(row, 'leuven_id', referenceFile)]))
  const truth = new Map<string, string>()
  const records = rows.map((row) => {
    const id = required(row, 'person_id', file)
    const entity = entityOf.get(id)
    if (entity === undefined) throw new Error(`${file}: person_id ${id} is not in patstat_reference.csv`)
    truth.set(id, entity)
    return toRecord(row, id, file, { Name: 'organization' })
  })
  return { task: 'dedupe', name: 'patstat (report only)', records, truth }
}
