import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { type CsvItem, type CsvOptions, readCsv } from './csv.ts'
import { FormatError } from './format-error.ts'

const location = { file: 'export.zip', entry: 'Contact.csv' }

function chunked(input: string | Buffer, size = Infinity): Readable {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size))
  return Readable.from(chunks)
}

async function read(input: string | Buffer, options?: CsvOptions, chunkSize?: number): Promise<CsvItem[]> {
  const items: CsvItem[] = []
  for await (const item of readCsv(chunked(input, chunkSize), location, options)) items.push(item)
  return items
}

async function readError(input: string | Buffer, options?: CsvOptions): Promise<FormatError> {
  const error = await read(input, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(FormatError)
  return error as FormatError
}

/** Items without the long messages, for compact expectations. */
function brief(items: CsvItem[]): unknown[] {
  return items.map((item) =>
    item.type === 'error' ? { type: 'error', code: item.code, line: item.line, raw: item.raw } : item,
  )
}

describe('readCsv', () => {
  it('reads a header and rows with their lines and raw text', async () => {
    expect(await read('Id,Name\n1,Ada\n2,Grace\n')).toEqual([
      { type: 'header', headers: ['Id', 'Name'], line: 1 },
      { type: 'row', line: 2, values: { Id: '1', Name: 'Ada' }, raw: '1,Ada' },
      { type: 'row', line: 3, values: { Id: '2', Name: 'Grace' }, raw: '2,Grace' },
    ])
  })

  it('handles CRLF, a BOM, a missing final line break and empty lines', async () => {
    expect(await read('\uFEFFId,Name\r\n\r\n1,Ada\r\n\n2,Grace')).toEqual([
      { type: 'header', headers: ['Id', 'Name'], line: 1 },
      { type: 'row', line: 3, values: { Id: '1', Name: 'Ada' }, raw: '1,Ada' },
      { type: 'row', line: 5, values: { Id: '2', Name: 'Grace' }, raw: '2,Grace' },
    ])
  })

  it('reads quoted values with commas, doubled quotes and line breaks; a row keeps its first line', async () => {
    const items = await read('Id,Note,Tag\r\n1,"a, b","say ""hi"""\r\n2,"line one\r\nline two\nline three",x\r\n3,,""\r\n')
    expect(items.slice(1)).toEqual([
      { type: 'row', line: 2, values: { Id: '1', Note: 'a, b', Tag: 'say "hi"' }, raw: '1,"a, b","say ""hi"""' },
      {
        type: 'row',
        line: 3,
        values: { Id: '2', Note: 'line one\r\nline two\nline three', Tag: 'x' },
        raw: '2,"line one\r\nline two\nline three",x',
      },
      { type: 'row', line: 6, values: { Id: '3', Note: '', Tag: '' }, raw: '3,,""' },
    ])
  })

  it('keeps a quote inside an unquoted value as a character', async () => {
    const items = await read('Id,Screen\n1,15" wide\n')
    expect(items[1]).toMatchObject({ values: { Id: '1', Screen: '15" wide' } })
  })

  it('decodes non-ASCII text in every field', async () => {
    const items = await read('Name,City,Note\nJosé,Zürich,"日本, 𝄞"\n')
    expect(items[1]).toMatchObject({ values: { Name: 'José', City: 'Zürich', Note: '日本, 𝄞' } })
  })

  it('gives the same items however the input is cut into chunks', async () => {
    const text = '\uFEFFId,Note\r\n1,"multi\r\nline ""q"""\r\n2,é€𝄞\r\n3,"a,b"\r\n4,"unclosed\r\n5,x\r\n'
    const whole = await read(text)
    for (const size of [1, 2, 3, 5, 7, 16]) expect(await read(text, {}, size)).toEqual(whole)
  })

  it('keeps repeated header names apart', async () => {
    const items = await read('Email, Email ,Email (2),Name\na,b,c,d\n')
    expect(items[0]).toEqual({ type: 'header', headers: ['Email', 'Email (2)', 'Email (2) (2)', 'Name'], line: 1 })
    expect(items[1]).toMatchObject({ values: { Email: 'a', 'Email (2)': 'b', 'Email (2) (2)': 'c', Name: 'd' } })
  })

  it('stores a column named __proto__ as an ordinary value', async () => {
    const items = await read('__proto__,b\nx,y\n')
    const row = items[1]
    if (row?.type !== 'row') throw new Error('expected a row')
    expect(Object.getPrototypeOf(row.values)).toBe(Object.prototype)
    expect(Object.keys(row.values)).toEqual(['__proto__', 'b'])
  })

  it('checks required headers and names what is missing and what was found', async () => {
    const error = await readError('Id,Mail\n1,a@b.c\n', { requiredHeaders: ['Id', 'Email', 'LastName'] })
    expect(error.code).toBe('E_CSV_HEADER')
    expect(error.location).toEqual({ ...location, line: 1 })
    expect(error.message).toBe(
      'export.zip, entry Contact.csv, line 1: the header row lacks the required column(s) "Email", "LastName"; ' +
        'it has "Id", "Mail". The header row must name "Id", "Email", "LastName" (spelled exactly so).',
    )
  })

  it('matches headers case-insensitively when asked, under the caller’s spelling', async () => {
    const items = await read('ID,EMAIL\n1,a@b.c\n', { requiredHeaders: ['Id', 'Email'], headerMatch: 'case-insensitive' })
    expect(items).toEqual([
      { type: 'header', headers: ['Id', 'Email'], line: 1 },
      { type: 'row', line: 2, values: { Id: '1', Email: 'a@b.c' }, raw: '1,a@b.c' },
    ])
    expect((await readError('ID\n1\n', { requiredHeaders: ['Id'] })).code).toBe('E_CSV_HEADER')
  })

  it.each([
    ['no bytes', ''],
    ['only a BOM', '\uFEFF'],
    ['only white space', ' \r\n\n\t\n'],
  ])('refuses an empty file: %s', async (_name, text) => {
    const error = await readError(text)
    expect(error.code).toBe('E_EMPTY_INPUT')
    expect(error.message).toMatch(/^export\.zip, entry Contact\.csv: the file is empty/)
  })

  it('reports a row with the wrong number of values and goes on', async () => {
    const items = await read('Id,Name\n1,Ada,extra\n2\n3,Grace\n')
    expect(brief(items.slice(1))).toEqual([
      { type: 'error', code: 'E_CSV_COLUMNS', line: 2, raw: '1,Ada,extra' },
      { type: 'error', code: 'E_CSV_COLUMNS', line: 3, raw: '2' },
      { type: 'row', line: 4, values: { Id: '3', Name: 'Grace' }, raw: '3,Grace' },
    ])
    expect(items[1]).toMatchObject({
      byteOffset: 8,
      message:
        'export.zip, entry Contact.csv, line 2: the row has 3 values but the header (line 1) has 2 columns; ' +
        'every row needs exactly 2 comma-separated values (quote a value that contains a comma).',
    })
  })

  it('reports a quote left open at the end of the file where it opened and reads the rows after it', async () => {
    const items = await read('Id,Name\n1,"Ada\n2,Grace\n3,Linus\n')
    expect(brief(items.slice(1))).toEqual([
      { type: 'error', code: 'E_CSV_QUOTE', line: 2, raw: '1,"Ada' },
      { type: 'row', line: 3, values: { Id: '2', Name: 'Grace' }, raw: '2,Grace' },
      { type: 'row', line: 4, values: { Id: '3', Name: 'Linus' }, raw: '3,Linus' },
    ])
    expect(items[1]).toMatchObject({
      message: expect.stringMatching(/^export\.zip, entry Contact\.csv, line 2: a quoted value .* not closed before the end of the file.*Reading resumes at line 3\.$/),
    })
  })

  it('gives up on a quoted value that runs past the row limit and resynchronises', async () => {
    const filler = Array.from({ length: 200 }, (_, i) => `${i},row ${i}`).join('\n')
    const items = await read(`Id,Name\n1,"runaway\n${filler}\n`, { maxRowBytes: 512 }, 100)
    expect(brief(items.slice(1, 3))).toEqual([
      { type: 'error', code: 'E_CSV_QUOTE', line: 2, raw: '1,"runaway' },
      { type: 'row', line: 3, values: { Id: '0', Name: 'row 0' }, raw: '0,row 0' },
    ])
    expect(items).toHaveLength(1 + 1 + 200)
    expect(items.at(-1)).toMatchObject({ line: 202, values: { Id: '199' } })
    expect(items[1]).toMatchObject({ message: expect.stringMatching(/not closed within 512 bytes/) })
  })

  it('reports an over-long line without quotes and skips to the next line', async () => {
    const items = await read(`Id,Name\n1,${'x'.repeat(5000)}\n2,Grace\n`, { maxRowBytes: 1000 }, 256)
    expect(items.slice(1).map((item) => [item.type, item.line])).toEqual([
      ['error', 2],
      ['row', 3],
    ])
    expect(items[1]).toMatchObject({ code: 'E_INPUT_LIMIT', message: expect.stringMatching(/longer than 1000 bytes/) })
  })

  it('reports text after a closing quote for that row only', async () => {
    const items = await read('Id,Name\n1,"Ada"x,y\n2,Grace\n')
    expect(brief(items.slice(1))).toEqual([
      { type: 'error', code: 'E_CSV_QUOTE', line: 2, raw: '1,"Ada"x,y' },
      { type: 'row', line: 3, values: { Id: '2', Name: 'Grace' }, raw: '2,Grace' },
    ])
    expect(items[1]).toMatchObject({ message: expect.stringMatching(/followed by "x,y" instead of a comma/) })
  })

  it('reports a row that is not UTF-8 with the offset of the bad byte and reads the others', async () => {
    const bytes = Buffer.concat([Buffer.from('Id,Name\n1,Ada\n2,Gr'), Buffer.from([0xe9]), Buffer.from('ce\n3,Zoë\n')])
    const items = await read(bytes)
    expect(items.slice(1).map((item) => item.type)).toEqual(['row', 'error', 'row'])
    expect(items[2]).toMatchObject({ code: 'E_ENCODING', line: 3, byteOffset: 18 })
    expect(items[2]).toMatchObject({ message: expect.stringMatching(/line 3: the row is not valid UTF-8 \(the first bad byte is at file offset 18\)/) })
    expect(items[3]).toMatchObject({ values: { Id: '3', Name: 'Zoë' } })
  })

  it('refuses a header row it cannot read', async () => {
    const error = await readError(Buffer.concat([Buffer.from('Id,N'), Buffer.from([0xff]), Buffer.from('\n1,2\n')]))
    expect(error.code).toBe('E_ENCODING')
    expect(error.location).toEqual({ ...location, line: 1, byteOffset: 4 })
    expect((await readError('Id,"Name\n')).code).toBe('E_CSV_QUOTE')
  })

  it('streams a large file without holding it', async () => {
    const rows = 200_000
    function* generate(): Generator<Buffer> {
      yield Buffer.from('Id,Name,Note\n')
      for (let i = 0; i < rows; i += 1000) {
        let block = ''
        for (let k = i; k < i + 1000; k++) block += `${k},Name ${k},"note, with comma"\n`
        yield Buffer.from(block)
      }
    }
    let count = 0
    let last: CsvItem | undefined
    for await (const item of readCsv(Readable.from(generate()), location)) {
      count++
      last = item
    }
    expect(count).toBe(rows + 1)
    expect(last).toMatchObject({ line: rows + 1, values: { Id: String(rows - 1) } })
  })
})
