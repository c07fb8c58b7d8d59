import { PassThrough, Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { FormatError } from './format-error.ts'
import { type XlsxItem, type XlsxOptions, readXlsxRows } from './xlsx.ts'

const location = { file: 'workers.xlsx' }

async function workbook(sheets: Record<string, ExcelJS.CellValue[][]>): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = book.addWorksheet(name)
    rows.forEach((values, index) => {
      values.forEach((value, column) => {
        if (value !== undefined) sheet.getCell(index + 1, column + 1).value = value
      })
    })
  }
  return Buffer.from(await book.xlsx.writeBuffer())
}

async function read(bytes: Buffer, options?: XlsxOptions): Promise<XlsxItem[]> {
  const items: XlsxItem[] = []
  for await (const item of readXlsxRows(Readable.from([bytes]), location, options)) items.push(item)
  return items
}

async function readError(bytes: Buffer, options?: XlsxOptions): Promise<FormatError> {
  const error = await read(bytes, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(FormatError)
  return error as FormatError
}

describe('readXlsxRows', () => {
  it('reads every kind of cell as text and skips empty rows', async () => {
    const bytes = await workbook({
      Workers: [
        ['Worker ID', 'Name', 'Hired', 'Updated', 'FTE', 'Active', 'Total', 'Site', 'Check'],
        [
          'W-1',
          { richText: [{ text: 'Ada ' }, { text: 'Lovelace', font: { bold: true } }] },
          new Date(Date.UTC(2021, 2, 4)),
          new Date(Date.UTC(2024, 0, 31, 17, 5, 9)),
          0.75,
          true,
          { formula: 'E2*2', result: 1.5 },
          { text: 'Docs', hyperlink: 'https://example.com' },
          { error: '#N/A' },
        ],
        [],
        [2 ** 70, 'Grace'],
      ],
    })
    expect(await read(bytes)).toEqual([
      { type: 'header', sheet: 'Workers', row: 1, headers: ['Worker ID', 'Name', 'Hired', 'Updated', 'FTE', 'Active', 'Total', 'Site', 'Check'] },
      {
        type: 'row',
        sheet: 'Workers',
        row: 2,
        values: {
          'Worker ID': 'W-1',
          Name: 'Ada Lovelace',
          Hired: '2021-03-04',
          Updated: '2024-01-31T17:05:09',
          FTE: '0.75',
          Active: 'TRUE',
          Total: '1.5',
          Site: 'Docs',
          Check: '#N/A',
        },
      },
      {
        type: 'row',
        sheet: 'Workers',
        row: 4,
        values: { 'Worker ID': '1180591620717411303424', Name: 'Grace', Hired: '', Updated: '', FTE: '', Active: '', Total: '', Site: '', Check: '' },
      },
    ])
  })

  const workdayExport: ExcelJS.CellValue[][] = [
    ['All Active Workers'],
    ['Organization', 'Acme Corp'],
    ['Effective as of', new Date(Date.UTC(2024, 5, 1))],
    [],
    ['Employee ID', 'Legal Name', 'Email - Primary Work', undefined, 'Cost Center'],
    ['21001', 'Ada Lovelace', 'ada@acme.com', 'stray', 'CC-1'],
    ['21002', 'Grace Hopper', 'grace@acme.com'],
  ]

  it('finds the header below title and prompt rows and skips columns without a name', async () => {
    const items = await read(await workbook({ Report: workdayExport }))
    expect(items).toEqual([
      { type: 'header', sheet: 'Report', row: 5, headers: ['Employee ID', 'Legal Name', 'Email - Primary Work', 'Cost Center'] },
      {
        type: 'row',
        sheet: 'Report',
        row: 6,
        values: { 'Employee ID': '21001', 'Legal Name': 'Ada Lovelace', 'Email - Primary Work': 'ada@acme.com', 'Cost Center': 'CC-1' },
      },
      {
        type: 'row',
        sheet: 'Report',
        row: 7,
        values: { 'Employee ID': '21002', 'Legal Name': 'Grace Hopper', 'Email - Primary Work': 'grace@acme.com', 'Cost Center': '' },
      },
    ])
  })

  it('uses the required headers to pick the header row, in any letter case when asked', async () => {
    const bytes = await workbook({ Report: workdayExport })
    const items = await read(bytes, { requiredHeaders: ['employee id', 'Cost Center'], headerMatch: 'case-insensitive' })
    expect(items[0]).toEqual({ type: 'header', sheet: 'Report', row: 5, headers: ['employee id', 'Legal Name', 'Email - Primary Work', 'Cost Center'] })
    expect(items[1]).toMatchObject({ values: { 'employee id': '21001' } })
  })

  it('refuses a sheet without the required headers', async () => {
    const error = await readError(await workbook({ Report: workdayExport }), { requiredHeaders: ['Employee ID', 'Manager'] })
    expect(error.code).toBe('E_XLSX_HEADER')
    expect(error.message).toBe(
      'workers.xlsx, sheet Report: found no header row naming "Employee ID", "Manager" in the first 20 rows ' +
        '(row 1 holds "All Active Workers").',
    )
  })

  it('does not take a row with repeated values for the header', async () => {
    const items = await read(await workbook({ S: [['x', 'x', 'x'], ['Id', 'Name', 'Email'], ['1', 'Ada', 'a@x.io']] }))
    expect(items[0]).toMatchObject({ type: 'header', row: 2 })
  })

  it('reads the named sheet and lists the sheets when it is missing', async () => {
    const bytes = await workbook({ Summary: [['a', 'b'], ['1', '2']], Detail: [['Id', 'Name'], ['7', 'Ada']] })
    expect(await read(bytes, { sheet: 'Detail' })).toEqual([
      { type: 'header', sheet: 'Detail', row: 1, headers: ['Id', 'Name'] },
      { type: 'row', sheet: 'Detail', row: 2, values: { Id: '7', Name: 'Ada' } },
    ])
    expect((await read(bytes))[0]).toMatchObject({ sheet: 'Summary' })
    const error = await readError(bytes, { sheet: 'Workers' })
    expect(error.code).toBe('E_XLSX_SHEET')
    expect(error.message).toBe('workers.xlsx: the workbook has no sheet named "Workers"; its sheets are "Summary", "Detail".')
  })

  it('reads every sheet of a workbook whose parts come after its sheets, every time', async () => {
    // exceljs stores xl/workbook.xml and the shared strings last; its streaming reader used to lose them now and then.
    const bytes = await workbook({ First: [['Id', 'Name'], ['1', 'Ada']], Second: [['Id', 'Name'], ['2', 'Grace']] })
    for (let round = 0; round < 20; round++) {
      expect((await read(bytes, { sheet: 'Second' }))[1]).toMatchObject({ values: { Id: '2', Name: 'Grace' } })
    }
  })

  it('reads a workbook without a shared-string table', async () => {
    const output = new PassThrough()
    const chunks: Buffer[] = []
    output.on('data', (chunk: Buffer) => chunks.push(chunk))
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false })
    const sheet = writer.addWorksheet('Inline')
    sheet.addRow(['Id', 'Name']).commit()
    sheet.addRow(['1', 'Ada']).commit()
    await writer.commit()
    expect(await read(Buffer.concat(chunks))).toEqual([
      { type: 'header', sheet: 'Inline', row: 1, headers: ['Id', 'Name'] },
      { type: 'row', sheet: 'Inline', row: 2, values: { Id: '1', Name: 'Ada' } },
    ])
  })

  it('refuses an empty file and an empty sheet', async () => {
    expect((await readError(Buffer.alloc(0))).code).toBe('E_EMPTY_INPUT')
    expect((await readError(await workbook({ Empty: [] }))).code).toBe('E_EMPTY_INPUT')
  })

  it('refuses what is not an .xlsx workbook', async () => {
    const xls = Buffer.from('d0cf11e0a1b11ae1' + '00'.repeat(100), 'hex')
    expect((await readError(xls)).message).toMatch(/Excel 97-2003 \(\.xls\) workbook; only \.xlsx is read/)
    expect((await readError(Buffer.from('Id,Name\n1,Ada\n'))).message).toBe(
      'workers.xlsx: cannot read the file as an .xlsx workbook: it is not a ZIP archive, as every .xlsx file is.',
    )
    const good = await workbook({ S: [['a', 'b'], ['1', '2']] })
    const truncated = await readError(good.subarray(0, Math.floor(good.length / 2)))
    expect(truncated.code).toBe('E_XLSX_CORRUPT')
  })
})
