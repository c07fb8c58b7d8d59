import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import yazl from 'yazl'
import { canonicalRecordSchema } from '../../schema/canonical.ts'
import { openExportSource } from '../../formats/export-source.ts'
import type { ExportItem, RawRecord } from '../types.ts'
import { readSalesforceExport } from './export.ts'
import { salesforceConnector } from './index.ts'

const samples = fileURLToPath(new URL('../../../../shared/datasets/sources/salesforce/', import.meta.url))

async function readAll(path: string): Promise<ExportItem[]> {
  const source = await openExportSource(path)
  const items: ExportItem[] = []
  for await (const item of readSalesforceExport(source, { options: {} })) items.push(item)
  return items
}

const recordsOf = (items: ExportItem[]): RawRecord[] => items.flatMap((item) => (item.type === 'record' ? [item.record] : []))
const rejectsOf = (items: ExportItem[]) => items.flatMap((item) => (item.type === 'reject' ? [item.reject] : []))
const completesOf = (items: ExportItem[]) => items.flatMap((item) => (item.type === 'complete' ? [item.objectType] : []))
const skippedOf = (items: ExportItem[]) => items.flatMap((item) => (item.type === 'skipped' ? [item.location.entry ?? item.location.file] : []))

describe('readSalesforceExport: sample files', () => {
  it('reads the Salesforce CLI Account.csv with 18-character ids, +0000 datetimes and the JSON address', async () => {
    const items = await readAll(join(samples, 'sfdc-assets-ebikes-lwc/Account.csv'))
    expect(rejectsOf(items)).toEqual([])
    expect(items.at(-1)).toEqual({ type: 'complete', objectType: 'Account' })
    const records = recordsOf(items)
    expect(records.map((record) => [record.sourceId, record.payload.Name, record.sourceUpdatedAt, record.provenance.line])).toEqual([
      ['001Ox00000PVUoEIAX', 'Sample Account for Entitlements', '2024-09-15T10:04:25.000Z', 2],
      ['001Ox00000PWD3lIAH', 'Wheelworks', '2024-09-15T18:26:20.000Z', 3],
      ['001Ox00000PWD3mIAH', 'Northern Trail Cycling', '2024-09-15T18:26:20.000Z', 4],
      ['001Ox00000PWD3nIAH', 'Trailblazers', '2024-09-15T18:26:20.000Z', 5],
    ])
    const wheelworks = records[1]!
    expect(wheelworks.deleted).toBeUndefined()
    expect(Object.keys(wheelworks.payload)[0]).toBe('Id')
    expect(wheelworks.payload).toMatchObject({
      BillingCity: 'Belmont',
      BillingAddress:
        '{"city":"Belmont","country":"USA","geocodeAccuracy":null,"latitude":null,"longitude":null,"postalCode":"02478","state":"MA","street":"480 Trapelo Road"}',
      OwnerId: '005Ox00000BFbiTIAT',
      IsDeleted: '',
    })
  })

  it('reads the Bulk API upload file: UPPER-CASE headers, multi-line values, no Id column', async () => {
    const items = await readAll(join(samples, 'jsforce/Account_bulk2_test.csv'))
    expect(rejectsOf(items)).toEqual([])
    expect(completesOf(items)).toEqual(['Account'])
    const records = recordsOf(items)
    expect(records).toHaveLength(100)
    expect(new Set(records.map((record) => record.sourceId)).size).toBe(100)
    for (const record of records) expect(record.sourceId).toMatch(/^row:[0-9a-f]{24}$/)
    const first = records[0]!
    expect(Object.keys(first.payload).slice(0, 4)).toEqual(['Name', 'Type', 'ParentId', 'BillingStreet'])
    expect(first.payload).toMatchObject({
      Name: 'Bulk Account from CSV (bulk2) - #1',
      BillingStreet: '345 Shoreline Park\nMountain View, CA 94043\nUSA',
      Website: 'www.genepoint.com',
      AnnualRevenue: '3.00E+07',
    })
    expect(first.sourceUpdatedAt).toBeUndefined()
    // The same file read again lands the same ids.
    expect(recordsOf(await readAll(join(samples, 'jsforce/Account_bulk2_test.csv'))).map((record) => record.sourceId)).toEqual(
      records.map((record) => record.sourceId),
    )
  })

  it('reads the samples folder: both Account files, one complete after the last, other files skipped', async () => {
    const items = await readAll(samples)
    expect(rejectsOf(items)).toEqual([])
    expect(recordsOf(items)).toHaveLength(104)
    expect(completesOf(items)).toEqual(['Account'])
    expect(items.at(-1)).toEqual({ type: 'complete', objectType: 'Account' })
    expect(skippedOf(items).map((path) => path.replace(samples, ''))).toEqual(['README.md', 'jsforce/LICENSE', 'sfdc-assets-ebikes-lwc/LICENSE'])
  })
})

describe('sample files through normalize', () => {
  it('normalises every sample record into valid canonical records', async () => {
    const records = recordsOf(await readAll(samples))
    const kinds = new Map<string, number>()
    const issues: string[] = []
    for (const { objectType, sourceId, payload, sourceUpdatedAt } of records) {
      const result = salesforceConnector.normalize({ system: 'salesforce', objectType, sourceId, payload, sourceUpdatedAt }, { settings: {} })
      issues.push(...result.issues.map((issue) => `${issue.code} ${issue.message}`))
      for (const output of result.records) {
        expect(canonicalRecordSchema.parse(output)).toEqual(output)
        kinds.set(output.kind, (kinds.get(output.kind) ?? 0) + 1)
      }
    }
    // 104 organisations; the 4 CLI accounts have owners (owns links), the Bulk upload rows none.
    expect(Object.fromEntries(kinds)).toEqual({ organization: 104, link: 4 })
    // The only issue: a website in the Bulk file that is no host name.
    expect(new Set(issues)).toEqual(new Set(['E_SF_WEBSITE Website "www.expressl&t.net" has no domain name; the account gets no domain from it']))
  })
})

describe('readSalesforceExport: bad and varied input', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cg-salesforce-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function folder(name: string, files: Record<string, string | Buffer>): Promise<string> {
    const path = join(dir, name)
    await rm(path, { recursive: true, force: true })
    await mkdir(path, { recursive: true })
    for (const [file, content] of Object.entries(files)) await writeFile(join(path, file), content)
    return path
  }

  it('rejects a bad Id and a bad IsDeleted with their line, keeps the rows around them, and leaves the type incomplete', async () => {
    const path = await folder('contacts', {
      'Contact.csv': [
        'Id,IsDeleted,LastName,AccountId,ReportsToId,OwnerId,SystemModstamp,LastModifiedDate',
        '003Ox00000AbCdE,false,Dunn,001Ox00000PWD3l,not-an-id,005Ox00000BFbiT,,02/23/26 08:55 PM',
        '003-bad,false,Broken,,,,,',
        '003Ox00000AbCdFIAV,TRUE,Gone,,,,2024-09-15T10:04:25.000Z,',
        '003Ox00000AbCdG,maybe,Unsure,,,,,',
        '003Ox00000AbCdH,1,Gone too,,,,,',
      ].join('\n'),
    })
    const items = await readAll(path)
    expect(completesOf(items)).toEqual([])
    const location = { file: join(path, 'Contact.csv') }
    expect(rejectsOf(items)).toEqual([
      {
        code: 'E_SF_ID',
        message: `${location.file}, line 3: Id "003-bad" is not a Salesforce record id: an id is 15 or 18 letters and digits, e.g. 001Ox00000PWD3lIAH. The row was not imported.`,
        location: { ...location, line: 3 },
        objectType: 'Contact',
        raw: '003-bad,false,Broken,,,,,',
      },
      expect.objectContaining({ code: 'E_SF_BOOLEAN', location: { ...location, line: 5 }, objectType: 'Contact' }),
    ])
    const records = recordsOf(items)
    expect(records.map((record) => [record.sourceId, record.deleted, record.sourceUpdatedAt, record.provenance.line])).toEqual([
      ['003Ox00000AbCdEIAV', undefined, '2026-02-23T20:55:00.000Z', 2],
      ['003Ox00000AbCdFIAV', { reason: 'IsDeleted' }, '2024-09-15T10:04:25.000Z', 4],
      ['003Ox00000AbCdHIAV', { reason: 'IsDeleted' }, undefined, 6],
    ])
    // References are extended to 18 characters; a value that is no id is kept for normalize to report.
    expect(records[0]!.payload).toMatchObject({
      Id: '003Ox00000AbCdEIAV',
      AccountId: '001Ox00000PWD3lIAH',
      OwnerId: '005Ox00000BFbiTIAT',
      ReportsToId: 'not-an-id',
    })
  })

  it('reads UPPER-CASE headers into API-name keys and keeps unknown headers as they are', async () => {
    const path = await folder('upper', {
      'lead_export.csv': 'ID,FIRSTNAME,LASTNAME,ISCONVERTED,CONVERTEDCONTACTID,My_Field__c,Extra column\n00QOx00000XyZaB,Sam,Lee,TRUE,003Ox00000AbCdE,x,y\n',
    })
    const items = await readAll(path)
    expect(rejectsOf(items)).toEqual([])
    expect(completesOf(items)).toEqual(['Lead'])
    expect(recordsOf(items)[0]).toMatchObject({
      objectType: 'Lead',
      sourceId: '00QOx00000XyZaBMAV',
      payload: {
        Id: '00QOx00000XyZaBMAV',
        FirstName: 'Sam',
        LastName: 'Lee',
        IsConverted: 'TRUE',
        ConvertedContactId: '003Ox00000AbCdEIAV',
        My_Field__c: 'x',
        'Extra column': 'y',
      },
    })
  })

  it('completes a type split over several files only after the last, and skips files it does not import', async () => {
    const path = await folder('split', {
      'Attachment.csv': 'Id,Name\n00POx00000AtTaC,a.pdf\n',
      'Foo__c.csv': 'Id,Name\na00Ox00000FoOoO,foo\n',
      'Account__c.csv': 'Id,Name\na01Ox00000FoOoO,foo\n',
      'OpportunityHistory.csv': 'Id,StageName\n008Ox00000HiStO,Won\n',
      'Opportunity-1.csv': 'Id,Name\n006Ox00000QrStU,One\n',
      'OpportunityContactRole.csv': 'Id,OpportunityId,ContactId\n00KOx00000RoLeS,006Ox00000QrStU,003Ox00000AbCdE\n',
      'Opportunity_2.csv': 'Id,Name\n006Ox00000QrStV,Two\n',
      'notes.txt': 'hello',
    })
    const items = await readAll(path)
    expect(rejectsOf(items)).toEqual([])
    expect(items.map((item) => (item.type === 'record' ? `record ${item.record.objectType} ${item.record.sourceId}` : item.type))).toEqual([
      'skipped',
      'skipped',
      'skipped',
      'record Opportunity 006Ox00000QrStUIAV',
      'record OpportunityContactRole 00KOx00000RoLeSMAV',
      'skipped',
      'record Opportunity 006Ox00000QrStVIAV',
      'skipped',
      'complete',
      'complete',
    ])
    expect(completesOf(items)).toEqual(['Opportunity', 'OpportunityContactRole'])
    const reasons = items.flatMap((item) => (item.type === 'skipped' ? [item.reason] : []))
    expect(reasons[0]).toMatch(/^Account__c\.csv is not one of the imported Salesforce objects/)
    expect(reasons.at(-1)).toMatch(/^notes\.txt is not a CSV file/)
  })

  it('rejects an unreadable file (empty, not UTF-8, broken quoting) and goes on with the others', async () => {
    const path = await folder('broken', {
      'Case.csv': '',
      'Event.csv': 'Id,Subject\n00UOx00000EvEnT,"never closed\n00UOx00000EvEnU,ok\n',
      'Task.csv': Buffer.concat([Buffer.from('Id,Subject\n00TOx00000TaSkA,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
      'User.csv': 'Id,Name,IsActive,LastModifiedDate\n005Ox00000BFbiT,Ada,TRUE,02/23/26 08:55 PM\n',
    })
    const items = await readAll(path)
    const rejects = rejectsOf(items)
    expect(rejects.map((reject) => [reject.code, reject.objectType, reject.location.file.replace(path, ''), reject.location.line])).toEqual([
      ['E_EMPTY_INPUT', 'Case', '/Case.csv', undefined],
      ['E_CSV_QUOTE', 'Event', '/Event.csv', 2],
      ['E_ENCODING', 'Task', '/Task.csv', 2],
    ])
    // The row after the unclosed quote still comes; the Event file stays incomplete all the same.
    expect(recordsOf(items).map((record) => record.sourceId)).toEqual(['00UOx00000EvEnUMAV', '005Ox00000BFbiTIAT'])
    expect(completesOf(items)).toEqual(['User'])
  })

  it('reads a ZIP archive, locating records by archive and entry', async () => {
    const zip = new yazl.ZipFile()
    zip.addBuffer(Buffer.from('"Id","Name","IsDeleted"\n"001Ox00000PWD3lIAH","Wheelworks","false"\n'), 'WeeklyExport/Account.csv')
    zip.addBuffer(Buffer.from([0x25, 0x50, 0x44, 0x46]), 'WeeklyExport/Attachments/00POx00000AtTaC')
    zip.end()
    const chunks: Buffer[] = []
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
    const path = join(await folder('zip', {}), 'export.zip')
    await writeFile(path, Buffer.concat(chunks))
    const items = await readAll(path)
    expect(items).toEqual([
      {
        type: 'record',
        record: {
          objectType: 'Account',
          sourceId: '001Ox00000PWD3lIAH',
          payload: { Id: '001Ox00000PWD3lIAH', Name: 'Wheelworks', IsDeleted: 'false' },
          provenance: { file: path, entry: 'WeeklyExport/Account.csv', line: 2 },
        },
      },
      {
        type: 'skipped',
        location: { file: path, entry: 'WeeklyExport/Attachments/00POx00000AtTaC' },
        reason: expect.stringMatching(/^00POx00000AtTaC is not a CSV file/),
      },
      { type: 'complete', objectType: 'Account' },
    ])
  })
})
