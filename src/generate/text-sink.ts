import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'

/**
 * A file written as a stream. `write` only appends to a small in-memory chunk (so generators stay
 * synchronous and fast); the generator calls `settle` at safe points (after an organisation, after
 * a batch of employees), which hands the chunk to the stream and waits for the disk when the stream
 * is over its high-water mark. Memory is therefore bounded by one chunk per open file plus what one
 * unit of generation produces.
 */
export interface TextSink {
  readonly path: string
  write(text: string): void
  settle(): Promise<void>
  /** Flushes, closes, and returns the number of bytes written. */
  close(): Promise<number>
  /** Closes without waiting, after a failure elsewhere: no file descriptor is left open. */
  abort(): void
}

const CHUNK_CHARS = 64 * 1024

export function openTextSink(path: string): TextSink {
  const stream = createWriteStream(path, { highWaterMark: 256 * 1024 })
  let parts: string[] = []
  let size = 0
  let failure: Error | undefined
  stream.on('error', (error) => {
    failure = error
  })
  const flush = (): void => {
    if (size === 0) return
    stream.write(parts.join(''))
    parts = []
    size = 0
  }
  return {
    path,
    write(text) {
      parts.push(text)
      size += text.length
      if (size >= CHUNK_CHARS) flush()
    },
    async settle() {
      if (failure) throw failure
      // Hand over what this unit of work produced now rather than when the chunk is full: rows of
      // slowly filling files would otherwise outlive several young-generation collections and be
      // promoted, and the old generation (so RSS) would grow with the size of the run.
      flush()
      // writableNeedDrain rather than write()'s return value: a drain that already happened while
      // another sink was awaited must not leave us waiting for an event that never comes.
      if (stream.writableNeedDrain) await once(stream, 'drain')
    },
    async close() {
      flush()
      stream.end()
      await finished(stream)
      if (failure) throw failure
      return stream.bytesWritten
    },
    abort() {
      stream.destroy()
    },
  }
}

/** A JSON array written element by element, one element per line. */
export interface JsonArraySink {
  push(value: unknown): void
  readonly sink: TextSink
}

export function jsonArraySink(sink: TextSink, opening = '[', closing = ']'): JsonArraySink & { end(): void } {
  let first = true
  sink.write(opening)
  return {
    sink,
    push(value) {
      sink.write(first ? '\n' : ',\n')
      sink.write(JSON.stringify(value))
      first = false
    },
    end() {
      sink.write(first ? `${closing}\n` : `\n${closing}\n`)
    },
  }
}
