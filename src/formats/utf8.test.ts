import { isUtf8 } from 'node:buffer'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { FormatError } from './format-error.ts'
import { bomLength, decodeUtf8, findInvalidUtf8 } from './utf8.ts'

const location = { file: 'data.json' }

async function decode(chunks: Uint8Array[]): Promise<string> {
  let text = ''
  for await (const part of decodeUtf8(Readable.from(chunks), location)) text += part
  return text
}

async function decodeError(chunks: Uint8Array[]): Promise<FormatError> {
  const error = await decode(chunks).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(FormatError)
  return error as FormatError
}

/** Every way of cutting `bytes` in two, plus one byte per chunk. */
function splits(bytes: Buffer): Uint8Array[][] {
  const result: Uint8Array[][] = [[...bytes].map((byte) => Uint8Array.of(byte))]
  for (let cut = 0; cut <= bytes.length; cut++) result.push([bytes.subarray(0, cut), bytes.subarray(cut)])
  return result
}

describe('findInvalidUtf8', () => {
  it('accepts well-formed text of every sequence length', () => {
    expect(findInvalidUtf8(Buffer.from('plain ascii, é, €, 𝄞, 日本'))).toBe(-1)
  })

  it.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong two-byte form', [0x61, 0xc0, 0x80], 1],
    ['an overlong three-byte form', [0xe0, 0x80, 0x80], 0],
    ['a surrogate', [0x61, 0x62, 0xed, 0xa0, 0x80], 2],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a byte that never occurs', [0x61, 0xff], 1],
    ['a lead byte followed by ASCII', [0xc3, 0x28], 0],
    ['a sequence cut off at the end', [0x61, 0xe2, 0x82], 1],
  ])('finds %s', (_name, bytes, offset) => {
    expect(findInvalidUtf8(Uint8Array.from(bytes))).toBe(offset)
  })

  it('searches only the given range', () => {
    const bytes = Buffer.from([0xff, 0x61, 0x62, 0xff, 0x63])
    expect(findInvalidUtf8(bytes, 1, 3)).toBe(-1)
    expect(findInvalidUtf8(bytes, 1)).toBe(3)
  })

  it('agrees with the built-in validator on random bytes', () => {
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let round = 0; round < 5000; round++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
        random() < 0.5 ? 0x80 + Math.floor(random() * 0x80) : Math.floor(random() * 0x100),
      )
      expect(findInvalidUtf8(bytes) === -1, Buffer.from(bytes).toString('hex')).toBe(isUtf8(bytes))
    }
  })
})

describe('bomLength', () => {
  it('recognises the UTF-8 byte-order mark', () => {
    expect(bomLength(Buffer.from('\uFEFFa'))).toBe(3)
    expect(bomLength(Buffer.from('abc'))).toBe(0)
    expect(bomLength(Buffer.from([0xef, 0xbb]))).toBe(0)
  })
})

describe('decodeUtf8', () => {
  it('decodes sequences split across chunks at every point and drops a leading BOM', async () => {
    const bytes = Buffer.from('\uFEFFé€𝄞 and \uFEFF inside')
    for (const chunks of splits(bytes)) expect(await decode(chunks)).toBe('é€𝄞 and \uFEFF inside')
  })

  it('reports the file offset of the first bad byte however the input is cut', async () => {
    const bytes = Buffer.concat([Buffer.from('\uFEFFok é '), Buffer.from([0xe2, 0x82, 0x41]), Buffer.from(' more')])
    for (const chunks of splits(bytes)) {
      const error = await decodeError(chunks)
      expect(error.code).toBe('E_ENCODING')
      expect(error.location).toEqual({ file: 'data.json', byteOffset: 9 })
      expect(error.message).toMatch(/data\.json, byte offset 9: .*not valid UTF-8.*convert the file to UTF-8/)
    }
  })

  it('reports a sequence cut off by the end of the file', async () => {
    const error = await decodeError([Buffer.from('abc'), Buffer.from([0xf0, 0x9d])])
    expect(error.location.byteOffset).toBe(3)
  })

  it('decodes 8 MiB of mixed text in chunks of odd sizes', async () => {
    const text = 'héllo wörld 𝄞 日本語 '.repeat(400_000)
    const bytes = Buffer.from(text)
    const chunks: Buffer[] = []
    for (let at = 0; at < bytes.length; at += 65_537) chunks.push(bytes.subarray(at, at + 65_537))
    expect(await decode(chunks)).toBe(text)
  })
})
