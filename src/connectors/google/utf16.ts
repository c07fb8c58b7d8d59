import { pipeline, Transform, type Readable } from 'node:stream'

/**
 * Re-encodes a UTF-16 byte stream (byte order mark included) as UTF-8. Older Google Contacts "Google
 * CSV" exports are UTF-16LE; the CSV reader reads UTF-8. Decodes chunk by chunk, so a character split
 * between chunks is kept whole.
 */
export function utf16ToUtf8(input: Readable, encoding: 'utf-16le' | 'utf-16be'): Readable {
  const decoder = new TextDecoder(encoding)
  const transcode = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'))
    },
    flush(callback) {
      callback(null, Buffer.from(decoder.decode(), 'utf8'))
    },
  })
  // pipeline destroys the transform with the input's error, so the reader sees it.
  return pipeline(input, transcode, () => {})
}
