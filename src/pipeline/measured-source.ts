import { PassThrough, pipeline } from 'node:stream'
import type { ExportEntry, ExportSource } from '../connectors/types.ts'

/**
 * Wraps an export so the bytes connectors read can be counted for progress, without the connectors
 * knowing. `totalBytes` sums the sizes the source reports up front (0 when it knows none).
 */
export async function measureSource(source: ExportSource, onBytes: (bytes: number) => void): Promise<{ source: ExportSource; totalBytes: number }> {
  let totalBytes = 0
  for await (const entry of source.entries()) totalBytes += entry.size ?? 0
  const measured: ExportSource = {
    path: source.path,
    kind: source.kind,
    async *entries() {
      for await (const entry of source.entries()) yield measureEntry(entry, onBytes)
    },
  }
  return { source: measured, totalBytes }
}

function measureEntry(entry: ExportEntry, onBytes: (bytes: number) => void): ExportEntry {
  return {
    path: entry.path,
    location: entry.location,
    size: entry.size,
    async open() {
      const input = await entry.open()
      const counter = new PassThrough()
      counter.on('data', (chunk: Buffer) => onBytes(chunk.length))
      // pipeline, not pipe: a reader that stops early destroys the counter, and that must close the
      // file (or archive entry) behind it too; an input error reaches the reader through the counter.
      pipeline(input, counter, () => undefined)
      return counter
    },
  }
}
