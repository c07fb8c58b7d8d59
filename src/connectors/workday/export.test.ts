import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ExcelJS from 'exceljs'
import yazl from 'yazl'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CgError } from '../../errors.ts'
import { openExportSource } from '../../formats/export-source.ts'
import { canonicalRecordSchema } from '../../schema/canonical.ts'
import type { ExportItem, RawRecord, RejectedInput } from '../types.ts'
import { workdayConnector } from './index.ts'

const samples = fileURLToPath(new URL('../../../../shared/datasets/sources/workday/faros-airbyte-workday-source/', import.meta.url))
const sample = (name: string) => join(samples, name)

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workday-export-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function write(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name)
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, content)
  return path
}

async function read(path: string, options: Record<string, unknown> = {}): Promise<ExportItem[]> {
  const source = await openExportSource(path)
  const items: ExportItem[] = []
  for await (const item of workdayConnector.read(source, { options })) items.push(item)
  return items
}

const records = (items: ExportItem[]): RawRecord[] => items.flatMap((item) => (item.type === 'record' ? [item.record] : []))
/** The rejects, with the temporary folder's path replaced by <tmp> so snapshots stay stable. */
const rejects = (items: ExportItem[]) =>
  items.flatMap((item) => (item.type === 'reject' ? [JSON.parse(JSON.stringify(item.reject).replaceAll(dir, '<tmp>')) as RejectedInput] : []))

/** One line per item: what a reader yielded, in order. */
function summary(items: ExportItem[]): string[] {
  return items.map((item) => {
    switch (item.type) {
      case 'record':
        return `record ${item.record.sourceId} @ ${where(item.record.provenance)}`
      case 'reject':
        return `reject ${item.reject.code} @ ${where(item.reject.location)}`
      case 'skipped':
        return `skipped ${where(item.location)}`
      case 'complete':
        return `complete ${item.objectType}`
    }
  })
}

function where(location: { file: string; entry?: string; line?: number; path?: string; sheet?: string; row?: number }): string {
  const file = location.file.startsWith(dir) ? location.file.slice(dir.length + 1) : location.file.slice(location.file.lastIndexOf('/') + 1)
  return [file, location.entry, location.line && `line ${location.line}`, location.path, location.sheet, location.row && `row ${location.row}`]
    .filter(Boolean)
    .join(' ')
}

/** Normalises every record and checks the output against the canonical schema. */
function normalizeAll(items: ExportItem[], settings: Record<string, unknown> = {}) {
  return records(items).map((record) => {
    const result = workdayConnector.normalize({ system: 'workday', ...record, sourceUpdatedAt: record.sourceUpdatedAt }, { settings })
    for (const canonical of result.records) canonicalRecordSchema.parse(canonical)
    return result
  })
}

describe('the sample files', () => {
  it('reads the placeholder RaaS report without an id column, identified by stable row hashes', async () => {
    const items = await read(sample('customreports.json'))
    expect(summary(items)).toEqual([
      expect.stringMatching(/^record row:[0-9a-f]{24} @ customreports.json \$\.Report_Entry\[0\]$/),
      expect.stringMatching(/^record row:[0-9a-f]{24} @ customreports.json \$\.Report_Entry\[1\]$/),
      'complete worker',
    ])
    expect(records(items)[0]?.payload).toEqual({ A: 'B', foo: 'bar', C: '3' })
    const again = await read(sample('customreports.json'))
    expect(records(again).map((record) => record.sourceId)).toEqual(records(items).map((record) => record.sourceId))
    expect(new Set(records(items).map((record) => record.sourceId)).size).toBe(2)
    const normalized = normalizeAll(items)
    expect(normalized[0]?.issues.map((issue) => issue.code)).toEqual(['W_WORKDAY_NO_ID'])
    expect(normalized[0]?.records).toEqual([{ kind: 'person', name: {}, emails: [], phones: [], internal: true, employment: {}, externalIds: [] }])
  })

  it('reads the REST workers page by WID, and claims no completeness for one page of four', async () => {
    const items = await read(sample('workers.json'))
    expect(summary(items)).toEqual(['record string @ workers.json $.data[0]'])
    const [result] = normalizeAll(items)
    expect(result?.records[0]).toMatchObject({
      kind: 'person',
      internal: true,
      name: { full: 'Lorem ipsum dolor sit ame' },
      emails: [{ type: 'work', address: expect.stringMatching(/^Lorem ipsum/) }],
      title: expect.stringMatching(/^Lorem ipsum dolor sit amet, cum choro/),
      employment: { department: 'Lorem ipsum dolor sit ame', location: 'Lorem ipsum dolor sit ame' },
      externalIds: [{ type: 'workday_wid', value: 'string' }],
    })
  })

  it('skips the REST people page: its entries are links, not worker data', async () => {
    const items = await read(sample('people.json'))
    expect(items).toEqual([
      { type: 'skipped', location: { file: sample('people.json') }, reason: expect.stringMatching(/REST people response/) },
    ])
  })

  it('reads the whole sample folder without a reject', async () => {
    const items = await read(join(samples, '..'))
    expect(summary(items)).toEqual([
      'skipped README.md',
      'skipped LICENSE-Apache-2.0',
      expect.stringMatching(/^record row:\w+ @ customreports.json \$\.Report_Entry\[0\]$/),
      expect.stringMatching(/^record row:\w+ @ customreports.json \$\.Report_Entry\[1\]$/),
      'skipped people.json',
      'record string @ workers.json $.data[0]',
    ])
  })
})

const raasReport = {
  Report_Entry: [
    {
      Employee_ID: '21001',
      Worker: 'Logan McNeil',
      'Email_-_Work': 'lmcneil@acme.example',
      Active_Status: '1',
      Hire_Date: '2015-02-01',
    },
    {
      Employee_ID: '21003',
      Worker: 'Teresa Serrano',
      'Email_-_Work': 'tserrano@acme.example',
      Worker_s_Manager_group: [{ Worker_s_Manager: 'Logan McNeil', Manager_ID: '21001' }],
    },
    { Worker: 'No Id', 'Email_-_Work': 'noid@acme.example' },
    'not an entry',
    { Employee_ID: 21044, Worker: 'Pat Lee', Termination_Date: '2024-01-31' },
  ],
}

describe('RaaS JSON', () => {
  it('rejects an entry without an id and one that is not an object; the good ones around them still come', async () => {
    const path = await write('report.json', JSON.stringify(raasReport, null, 2))
    const items = await read(path)
    expect(summary(items)).toEqual([
      'record 21001 @ report.json $.Report_Entry[0]',
      'record 21003 @ report.json $.Report_Entry[1]',
      'reject E_WORKDAY_NO_ID @ report.json $.Report_Entry[2]',
      'reject E_SCHEMA @ report.json $.Report_Entry[3]',
      'record 21044 @ report.json $.Report_Entry[4]',
    ])
    expect(rejects(items)).toMatchInlineSnapshot(`
      [
        {
          "code": "E_WORKDAY_NO_ID",
          "location": {
            "file": "<tmp>/report.json",
            "path": "$.Report_Entry[2]",
          },
          "message": "<tmp>/report.json, at $.Report_Entry[2]: the worker cannot be identified: it has no employee id (no Employee_ID, Employee ID, Worker ID … key or the key mapped to employeeId), though other entries of the report have one. Every worker needs an employee id; the row is not imported.",
          "objectType": "worker",
          "raw": "{"Worker":"No Id","Email_-_Work":"noid@acme.example"}",
        },
        {
          "code": "E_SCHEMA",
          "location": {
            "file": "<tmp>/report.json",
            "path": "$.Report_Entry[3]",
          },
          "message": "<tmp>/report.json, at $.Report_Entry[3]: the value does not have the expected shape: $.Report_Entry[3]: Invalid input: expected object, received string.",
          "objectType": "worker",
          "raw": ""not an entry"",
        },
      ]
    `)
    const links = normalizeAll(items).flatMap((result) => result.records.filter((record) => record.kind === 'link'))
    expect(links).toEqual([
      {
        kind: 'link',
        linkType: 'reports_to',
        from: { system: 'workday', objectType: 'worker', sourceId: '21003' },
        to: { system: 'workday', objectType: 'worker', sourceId: '21001' },
        attributes: { managerName: 'Logan McNeil' },
      },
    ])
  })

  it('reports invalid JSON with its code and line', async () => {
    const path = await write('broken.json', '{"Report_Entry": [\n{"Employee_ID": "1"},\n{"Employee_ID": "2",,}\n]}\n')
    const items = await read(path)
    expect(summary(items)).toEqual(['reject E_JSON_SYNTAX @ broken.json line 3'])
    expect(rejects(items)[0]?.message).toMatch(/broken\.json, line 3, column \d+: invalid JSON/)
  })

  it('keeps the entries streamed before a syntax error far into a large report, and claims no completeness', async () => {
    const entries = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ Employee_ID: String(i), Worker: `Worker ${i}`, 'Email_-_Work': `w${i}@acme.example` }))
    const path = await write('big-broken.json', `{"Report_Entry": [\n${entries.join(',\n')},\n{"Employee_ID": oops}\n]}\n`)
    const items = await read(path)
    const kept = records(items)
    expect(kept.length).toBeGreaterThan(100)
    expect(kept.map((record) => record.sourceId)).toEqual(kept.map((_, i) => String(i)))
    expect(summary(items.slice(kept.length))).toEqual(['reject E_JSON_SYNTAX @ big-broken.json line 3002'])
  })

  it('rejects a JSON file of another shape, an empty file, and reads a plain array of workers', async () => {
    await write('mixed/a-other.json', '{"error": "not authorised"}')
    await write('mixed/b-empty.json', '')
    await write('mixed/c-array.json', JSON.stringify([{ 'Employee ID': 'E1' }]))
    const items = await read(join(dir, 'mixed'))
    expect(summary(items)).toEqual([
      'reject E_JSON_SHAPE @ mixed/a-other.json $',
      'reject E_EMPTY_INPUT @ mixed/b-empty.json',
      'record E1 @ mixed/c-array.json $[0]',
    ])
    expect(rejects(items)[0]?.message).toMatch(/expected a report \{"Report_Entry": \[ … \]\}/)
  })
})

describe('REST workers', () => {
  it('identifies by employee id when there is one, else by WID, and completes when the pages hold the total', async () => {
    await write('rest/page-1.json', JSON.stringify({ total: 3, data: [{ id: 'wid-a', descriptor: 'A', employeeID: '100' }, { id: 'wid-b', descriptor: 'B' }] }))
    await write('rest/page-2.json', JSON.stringify({ total: 3, data: [{ id: 'wid-c', descriptor: 'C', primaryWorkEmail: 'c@acme.example' }] }))
    const items = await read(join(dir, 'rest'))
    expect(summary(items)).toEqual([
      'record 100 @ rest/page-1.json $.data[0]',
      'record wid-b @ rest/page-1.json $.data[1]',
      'record wid-c @ rest/page-2.json $.data[0]',
      'complete worker',
    ])
  })

  it('rejects a worker whose id is not a string', async () => {
    const path = await write('rest-bad.json', JSON.stringify({ total: 2, data: [{ id: 7 }, { id: 'wid-ok' }] }))
    const items = await read(path)
    expect(summary(items)).toEqual(['reject E_SCHEMA @ rest-bad.json $.data[0].id', 'record wid-ok @ rest-bad.json $.data[1]'])
  })
})

describe('CSV', () => {
  const csv = [
    'Employee ID,Legal First Name,Legal Last Name,Email - Work,Hire Date,Active Status,Manager Employee ID',
    '21001,Logan,McNeil,lmcneil@acme.example,2/1/2015,Yes,',
    ',Nobody,Known,nobody@acme.example,3/1/2020,Yes,21001',
    '21003,"Teresa ""Terri""",Serrano,tserrano@acme.example,4/1/2019,Yes,21001',
    '21004,Too,Many,values,1/1/2020,Yes,21001,extra',
    '21005,Sam,Ortiz,sortiz@acme.example,5/1/2021,No,21003',
  ].join('\r\n')

  it('reads labels as headers; a row without an id and a malformed row are rejected, the rest still come', async () => {
    const path = await write('workers.csv', csv)
    const items = await read(path)
    expect(summary(items)).toEqual([
      'record 21001 @ workers.csv line 2',
      'reject E_WORKDAY_NO_ID @ workers.csv line 3',
      'record 21003 @ workers.csv line 4',
      'reject E_CSV_COLUMNS @ workers.csv line 5',
      'record 21005 @ workers.csv line 6',
    ])
    expect(rejects(items)[0]).toMatchInlineSnapshot(`
      {
        "code": "E_WORKDAY_NO_ID",
        "location": {
          "file": "<tmp>/workers.csv",
          "line": 3,
        },
        "message": "<tmp>/workers.csv, line 3: the worker cannot be identified: its employee id (column "Employee ID") is empty. Every worker needs an employee id; the row is not imported.",
        "objectType": "worker",
        "raw": ",Nobody,Known,nobody@acme.example,3/1/2020,Yes,21001",
      }
    `)
    const people = normalizeAll(items).map((result) => result.records[0])
    expect(people[0]).toMatchObject({ name: { given: 'Logan', family: 'McNeil' }, status: 'active', employment: { hireDate: '2015-02-01' } })
    expect(people[2]).toMatchObject({ status: 'inactive', employment: { managerEmployeeId: '21003' } })
  })

  it('takes the id column from the mapping option', async () => {
    const path = await write('badges.csv', 'Badge,Name,Mail\nB-1,Kim Park,kpark@acme.example\n')
    const items = await read(path, { mapping: { Badge: 'employeeId', Mail: 'workEmail' } })
    expect(summary(items)).toEqual(['record B-1 @ badges.csv line 2', 'complete worker'])
    const [result] = normalizeAll(items, { mapping: { Badge: 'employeeId', Mail: 'workEmail' } })
    expect(result?.records[0]).toMatchObject({ name: { full: 'Kim Park' }, emails: [{ address: 'kpark@acme.example' }], employment: { employeeId: 'B-1' } })
  })

  it('refuses a mapping option naming an unknown field before reading', async () => {
    const path = await write('any.csv', 'Employee ID\n1\n')
    const attempt = read(path, { mapping: { 'Employee ID': 'employeeNumber' } })
    await expect(attempt).rejects.toBeInstanceOf(CgError)
    await expect(attempt).rejects.toThrow(/"employeeNumber", which is not a worker field; allowed: employeeId/)
  })
})

describe('XLSX', () => {
  it('finds the header below the title and prompt rows', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Workers')
    sheet.addRow(['All Active and Terminated Workers'])
    sheet.addRow(['Effective as of', '2024-06-30'])
    sheet.addRow(['Employee ID', 'Worker', 'Email - Work', 'Business Title', 'Hire Date', 'Termination Date', "Worker's Manager", 'Manager ID'])
    sheet.addRow(['21001', 'Logan McNeil', 'lmcneil@acme.example', 'CRO', new Date(Date.UTC(2015, 1, 1)), null, null, null])
    sheet.addRow([null, 'Missing Id', 'missing@acme.example', 'AE', '3/1/2020', null, 'Logan McNeil', '21001'])
    sheet.addRow(['21003', 'Teresa Serrano', 'tserrano@acme.example', 'Director', '4/1/2019', '6/30/2024', 'Logan McNeil', '21001'])
    await write('xlsx/workers.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()))
    // Given directly, the workbook is one file although it is a ZIP inside; in a folder it is one entry.
    expect(summary(await read(join(dir, 'xlsx', 'workers.xlsx')))).toEqual([
      'record 21001 @ xlsx/workers.xlsx Workers row 4',
      'reject E_WORKDAY_NO_ID @ xlsx/workers.xlsx Workers row 5',
      'record 21003 @ xlsx/workers.xlsx Workers row 6',
    ])
    const items = await read(join(dir, 'xlsx'))
    expect(summary(items)).toEqual([
      'record 21001 @ xlsx/workers.xlsx Workers row 4',
      'reject E_WORKDAY_NO_ID @ xlsx/workers.xlsx Workers row 5',
      'record 21003 @ xlsx/workers.xlsx Workers row 6',
    ])
    const people = normalizeAll(items).map((result) => result.records)
    expect(people[0]?.[0]).toMatchObject({ employment: { hireDate: '2015-02-01', employeeId: '21001', title: 'CRO' } })
    expect(people[1]).toMatchObject([
      { status: 'inactive', employment: { hireDate: '2019-04-01', terminationDate: '2024-06-30', managerEmployeeId: '21001' } },
      { kind: 'link', to: { sourceId: '21001' }, attributes: { managerName: 'Logan McNeil' } },
    ])
  })
})

describe('completeness', () => {
  it('comes once, after the last file, when every worker file was read without a reject', async () => {
    await write('zz-clean/a.json', JSON.stringify(raasReport.Report_Entry.slice(0, 2)))
    await write('zz-clean/b.csv', 'Employee_ID,Worker\n3,Third Person\n')
    await write('zz-clean/notes.txt', 'exported by HR')
    expect(summary(await read(join(dir, 'zz-clean')))).toEqual([
      'record 21001 @ zz-clean/a.json $[0]',
      'record 21003 @ zz-clean/a.json $[1]',
      'record 3 @ zz-clean/b.csv line 2',
      'skipped zz-clean/notes.txt',
      'complete worker',
    ])
    await write('zz-clean/c.csv', 'Employee_ID,Worker\n,Nobody\n')
    const items = await read(join(dir, 'zz-clean'))
    expect(items.some((item) => item.type === 'complete')).toBe(false)
    expect(summary(items)).toContain('reject E_WORKDAY_NO_ID @ zz-clean/c.csv line 2')
  })
})

describe('ZIP', () => {
  it('reads every report in an archive, located by archive and entry', async () => {
    const zip = new yazl.ZipFile()
    zip.addBuffer(Buffer.from(JSON.stringify({ Report_Entry: raasReport.Report_Entry.slice(0, 2) })), 'reports/raas.json')
    zip.addBuffer(Buffer.from('Employee ID,Worker\n3,Third Person\n'), 'reports/ui.csv')
    zip.end()
    const chunks: Buffer[] = []
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
    const path = await write('export.zip', Buffer.concat(chunks))
    expect(summary(await read(path))).toEqual([
      'record 21001 @ export.zip reports/raas.json $.Report_Entry[0]',
      'record 21003 @ export.zip reports/raas.json $.Report_Entry[1]',
      'record 3 @ export.zip reports/ui.csv line 2',
      'complete worker',
    ])
  })
})
