import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { ExportSource } from '../connectors/types.ts'
import { measureSource } from './measured-source.ts'

function sourceOf(chunks: Iterable<string>, onDestroy: () => void): ExportSource {
  return {
    path: 'x',
    kind: 'file',
    entries: () =>
      Readable.from([
        {
          path: 'x.csv',
          location: { file: 'x.csv' },
          size: 12,
          open: () => {
            const stream = Readable.from(Array.from(chunks, (chunk) => Buffer.from(chunk)))
            stream.on('close', onDestroy)
            return Promise.resolve(stream)
          },
        },
      ]),
  }
}

describe('measureSource', () => {
  it('counts the bytes readers take and sums the sizes the source knows', async () => {
    let bytes = 0
    const { source, totalBytes } = await measureSource(sourceOf(['abcd', 'efgh', 'ijkl'], () => undefined), (read) => (bytes += read))
    expect(totalBytes).toBe(12)
    for await (const entry of source.entries()) {
      const chunks: Buffer[] = []
      for await (const chunk of await entry.open()) chunks.push(chunk as Buffer)
      expect(Buffer.concat(chunks).toString()).toBe('abcdefghijkl')
    }
    expect(bytes).toBe(12)
  })

  it('closes the underlying stream when a reader stops early', async () => {
    let closed = false
    // An endless input: only destroying it from the reader's side can close it.
    function* endless() {
      for (;;) yield 'x'.repeat(1024)
    }
    const { source } = await measureSource(
      { ...sourceOf([], () => undefined), entries: () => Readable.from([{ path: 'x.csv', location: { file: 'x.csv' }, size: undefined, open: () => Promise.resolve(Readable.from(endless()).on('close', () => (closed = true))) }]) },
      () => undefined,
    )
    for await (const entry of source.entries()) {
      const stream = await entry.open()
      for await (const chunk of stream) {
        expect(chunk).toBeDefined()
        break
      }
    }
    await new Promise((resolve) => setImmediate(resolve))
    expect(closed).toBe(true)
  })
})
