import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { FormatError } from './format-error.ts'
import { type JsonArrayItem, formatJsonPath, readJson, readJsonArray, schemaReject } from './json.ts'

const location = { file: 'slack.zip', entry: 'users.json' }

function chunked(input: string | Buffer, size = Infinity): Readable {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size))
  return Readable.from(chunks)
}

async function readArray(input: string | Buffer, arrayPath?: string[], size?: number): Promise<JsonArrayItem[]> {
  const items: JsonArrayItem[] = []
  for await (const item of readJsonArray(chunked(input, size), location, { arrayPath })) items.push(item)
  return items
}

async function failure(promise: Promise<unknown>): Promise<FormatError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(FormatError)
  return error as FormatError
}

describe('readJson', () => {
  it('reads a whole document, with or without a BOM', async () => {
    expect(await readJson(chunked('\uFEFF{"a": [1, "é"]}', 3), location)).toEqual({ a: [1, 'é'] })
  })

  it.each(['', '\uFEFF', ' \n\t '])('refuses an empty file (%j)', async (text) => {
    expect((await failure(readJson(chunked(text), location))).code).toBe('E_EMPTY_INPUT')
  })

  it('says on which line and column the syntax breaks', async () => {
    const error = await failure(readJson(chunked('{\n  "a": 1,\n  "b": }\n'), location))
    expect(error.code).toBe('E_JSON_SYNTAX')
    expect(error.location).toEqual({ ...location, line: 3 })
    expect(error.message).toBe(
      'slack.zip, entry users.json, line 3, column 8: invalid JSON: expected a value. The file must hold one JSON document.',
    )
  })

  it('reports a document cut short at its end', async () => {
    const error = await failure(readJson(chunked('{"a": [1,\n 2'), location))
    expect(error.message).toMatch(/line 2, column 3: invalid JSON: the document ends before it is complete/)
  })

  it('reports text after the document', async () => {
    expect((await failure(readJson(chunked('{} x'), location))).message).toMatch(/line 1, column 4: invalid JSON: unexpected characters/)
  })

  it('reports invalid UTF-8 with its offset', async () => {
    const error = await failure(readJson(chunked(Buffer.concat([Buffer.from('{"a": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])), location))
    expect(error.code).toBe('E_ENCODING')
    expect(error.location.byteOffset).toBe(7)
  })

  it('refuses a document larger than the limit before reading all of it', async () => {
    let produced = 0
    function* endless(): Generator<Buffer> {
      for (;;) {
        produced++
        yield Buffer.from('[' + '1,'.repeat(1000))
      }
    }
    const error = await failure(readJson(Readable.from(endless()), location, { maxBytes: 10_000 }))
    expect(error.code).toBe('E_INPUT_LIMIT')
    expect(error.message).toMatch(/larger than 9\.8 KiB/)
    expect(produced).toBeLessThan(10)
  })
})

describe('readJsonArray', () => {
  it('streams the elements of a top-level array with their paths', async () => {
    const text = '[{"id": "U1", "tags": ["a", {"b": null}]}, 2, "three", null, true, []]'
    const expected = [
      { value: { id: 'U1', tags: ['a', { b: null }] }, path: '$[0]' },
      { value: 2, path: '$[1]' },
      { value: 'three', path: '$[2]' },
      { value: null, path: '$[3]' },
      { value: true, path: '$[4]' },
      { value: [], path: '$[5]' },
    ]
    expect(await readArray(text)).toEqual(expected)
    expect(await readArray(text, [], 1)).toEqual(expected)
    expect(await readArray('\uFEFF[]')).toEqual([])
  })

  it('finds the array under a key path and skips everything else', async () => {
    const text = JSON.stringify({
      before: [{ Report_Entry: [9] }, 'x'],
      meta: { Report_Entry: [8] },
      Report_Entry: [{ Worker_ID: '1' }, { Worker_ID: '2' }],
      after: { deep: [1, 2, 3] },
    })
    expect(await readArray(text, ['Report_Entry'], 7)).toEqual([
      { value: { Worker_ID: '1' }, path: '$.Report_Entry[0]' },
      { value: { Worker_ID: '2' }, path: '$.Report_Entry[1]' },
    ])
    expect(await readArray('{"data": {"x": 1, "the members": [1]}}', ['data', 'the members'])).toEqual([
      { value: 1, path: '$.data["the members"][0]' },
    ])
  })

  it('says when the array is not where it should be', async () => {
    const cases: [string, string[], string][] = [
      ['{"members": []}', [], 'expected an array at $, found an object.'],
      ['{"channels": []}', ['members'], 'the document has no array at $.members.'],
      ['{"members": {"a": 1}}', ['members'], 'expected an array at $.members, found an object.'],
      ['[{"members": []}]', ['members'], 'expected an object (on the way to $.members) at $, found an array.'],
      ['{"data": "x"}', ['data', 'members'], 'expected an object (on the way to $.data.members) at $.data, found a string.'],
    ]
    for (const [text, path, message] of cases) {
      const error = await failure(readArray(text, path))
      expect(error.code).toBe('E_JSON_SHAPE')
      expect(error.message).toBe(`slack.zip, entry users.json: ${message}`)
    }
  })

  it('yields the elements before a syntax error, then reports its line and column', async () => {
    const items: JsonArrayItem[] = []
    const error = await failure(
      (async () => {
        for await (const item of readJsonArray(chunked('[\n{"a": 1},\n{"a": 2},\n{"a" 3}\n]', 4), location)) items.push(item)
      })(),
    )
    expect(items.map((item) => item.path)).toEqual(['$[0]', '$[1]'])
    expect(error.code).toBe('E_JSON_SYNTAX')
    expect(error.message).toBe(
      "slack.zip, entry users.json, line 4, column 6: invalid JSON: expected ':'. The file must hold one JSON document.",
    )
  })

  it('reports a document cut short, an empty file and invalid UTF-8', async () => {
    expect((await failure(readArray('[1, {"a": 2'))).message).toMatch(/line 1, column 12: invalid JSON: the document ends before/)
    expect((await failure(readArray(' \n'))).code).toBe('E_EMPTY_INPUT')
    expect((await failure(readArray(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d])))).location.byteOffset).toBe(2)
  })

  it('streams a large array one element at a time', async () => {
    const count = 100_000
    function* generate(): Generator<Buffer> {
      yield Buffer.from('{"members": [')
      for (let i = 0; i < count; i += 1000) {
        const block = Array.from({ length: 1000 }, (_, k) => JSON.stringify({ id: `U${i + k}`, profile: { email: `u${i + k}@x.io` } }))
        yield Buffer.from((i === 0 ? '' : ',') + block.join(','))
      }
      yield Buffer.from(']}')
    }
    let seen = 0
    let last: JsonArrayItem | undefined
    for await (const item of readJsonArray(Readable.from(generate()), location, { arrayPath: ['members'] })) {
      seen++
      last = item
    }
    expect(seen).toBe(count)
    expect(last).toEqual({ value: { id: `U${count - 1}`, profile: { email: `u${count - 1}@x.io` } }, path: `$.members[${count - 1}]` })
  })
})

describe('formatJsonPath', () => {
  it('writes plain keys with dots and others in brackets', () => {
    expect(formatJsonPath('$', ['a', 0, 'b c', '1x', '_ok$'])).toBe('$.a[0]["b c"]["1x"]._ok$')
  })
})

describe('schemaReject', () => {
  it('points at the first issue and lists what was expected', () => {
    const schema = z.object({ id: z.string(), profile: z.object({ email: z.string(), name: z.string().optional() }) })
    const raw = { id: 7, profile: { name: 'Ada' } }
    const result = schema.safeParse(raw)
    if (result.success) throw new Error('expected a schema failure')
    const reject = schemaReject(result.error, location, '$[3]', raw)
    expect(reject).toEqual({
      code: 'E_SCHEMA',
      message:
        'slack.zip, entry users.json, at $[3]: the value does not have the expected shape: ' +
        '$[3].id: Invalid input: expected string, received number; ' +
        '$[3].profile.email: Invalid input: expected string, received undefined.',
      location: { ...location, path: '$[3].id' },
      raw: '{"id":7,"profile":{"name":"Ada"}}',
    })
  })
})
