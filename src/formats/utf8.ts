import type { InputLocation } from '../connectors/types.ts'
import { describeLocation, FormatError } from './format-error.ts'

/** Length of a UTF-8 byte-order mark at the start of `bytes` (0 or 3). */
export function bomLength(bytes: Uint8Array): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
}

/**
 * Index of the first byte of the first ill-formed UTF-8 sequence in bytes[start, end) (Unicode table
 * 3-7: no overlongs, no surrogates, nothing above U+10FFFF), or -1. A sequence cut off by `end` counts
 * as ill-formed. Only called once a fast check has failed, so clarity beats speed here.
 */
export function findInvalidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let i = start
  while (i < end) {
    const lead = bytes[i]!
    if (lead < 0x80) {
      i++
      continue
    }
    let length: number
    let low = 0x80
    let high = 0xbf
    if (lead >= 0xc2 && lead <= 0xdf) length = 2
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3
      if (lead === 0xe0) low = 0xa0
      if (lead === 0xed) high = 0x9f
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4
      if (lead === 0xf0) low = 0x90
      if (lead === 0xf4) high = 0x8f
    } else return i
    if (i + length > end) return i
    const second = bytes[i + 1]!
    if (second < low || second > high) return i
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i
    i += length
  }
  return -1
}

/** Where a multi-byte sequence left incomplete at the end of `bytes` starts (bytes.length if none). */
function incompleteTailStart(bytes: Uint8Array): number {
  const end = bytes.length
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = bytes[end - back]!
    if ((byte & 0xc0) === 0x80) continue
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return length > back ? end - back : end
  }
  return end
}

function encodingError(location: InputLocation, byteOffset: number, what = 'The file'): FormatError {
  const at = { ...location, byteOffset }
  return new FormatError(
    'E_ENCODING',
    `${describeLocation(at)}: ${what} is not valid UTF-8 (the first bad byte is at offset ${byteOffset}). ` +
      'Only UTF-8 text is read; re-export or convert the file to UTF-8.',
    at,
  )
}

/**
 * Decodes a byte stream as UTF-8 text, chunk by chunk: drops a leading byte-order mark and throws
 * E_ENCODING with the file offset of the first bad byte. The fatal TextDecoder does the fast work
 * and carries sequences split across chunks; the offset is only searched for once it has failed.
 */
export async function* decodeUtf8(input: AsyncIterable<unknown>, location: InputLocation): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  // Bytes of a sequence still open at the end of the previous chunk: the error may start in them.
  let tail: Uint8Array = new Uint8Array(0)
  let position = 0
  for await (const chunk of input) {
    const bytes = toBytes(chunk)
    const joined = tail.length === 0 ? bytes : Buffer.concat([tail, bytes])
    let text: string
    try {
      text = decoder.decode(bytes, { stream: true })
    } catch {
      throw encodingError(location, position - tail.length + Math.max(0, findInvalidUtf8(joined)))
    }
    tail = Uint8Array.from(joined.subarray(incompleteTailStart(joined)))
    position += bytes.length
    if (text.length > 0) yield text
  }
  try {
    const text = decoder.decode()
    if (text.length > 0) yield text
  } catch {
    throw encodingError(location, position - tail.length)
  }
}

/** Readable streams yield Buffers unless someone set an encoding; accept both. */
export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8')
  throw new TypeError(`expected a byte stream, got a chunk of type ${typeof chunk}`)
}
