import { createHash, type Hash } from 'node:crypto'
import type { StreamContext } from '../../api-contract.ts'

/** The report changed between a broken answer and its re-request: what was parsed so far no longer holds. */
export class BodyChangedError extends Error {
  constructor(what: string) {
    super(`${what}: the answer changed while it was being read (its start differs from the first attempt's)`)
    this.name = 'BodyChangedError'
  }
}

type Step = { kind: 'data'; bytes: Uint8Array } | { kind: 'skip' } | { kind: 'end' } | { kind: 'changed' }

/**
 * The body of one long GET (a RaaS report: one response for every worker), read chunk by chunk with
 * each read going through `context.call`, so the sync's timeout covers a body that stalls midway and
 * its retry policy covers one that breaks off (a reset, a truncated answer). A retried read asks
 * again and skips the bytes already delivered, after checking they are the same bytes (a SHA-256 of
 * the prefix): the parser downstream then goes on as if nothing happened. When the new answer starts
 * differently (the report changed in between), the iteration throws BodyChangedError and the caller
 * reads the report again from its start.
 *
 * Each call does one network read at most (or opens the request), so a re-read of a long prefix is
 * as many calls as the first read was and no single call outlives the request timeout.
 */
export async function* resumableBody(
  context: StreamContext,
  what: string,
  open: (signal: AbortSignal) => Promise<Response>,
): AsyncGenerator<Uint8Array> {
  let controller: AbortController | undefined
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  /** Bytes handed downstream so far, and the hash of them. */
  let delivered = 0
  const deliveredHash = createHash('sha256')
  /** While an answer after a failure re-sends the prefix: how much of it was compared, and its hash. */
  let catchUp: { position: number; hash: Hash } | undefined

  const drop = () => {
    controller?.abort()
    controller = undefined
    reader = undefined
  }

  // Each step checks after every await whether the sync has given up on it (its signal aborted on a
  // timeout): an abandoned step must leave the shared position alone, as a later attempt owns it.
  const step = (signal: AbortSignal): Promise<Step> =>
    linked(signal, () => controller, async () => {
      if (signal.aborted) throw timedOut()
      // A read the sync abandoned left an aborted answer behind: open a new one.
      if (controller?.signal.aborted === true) drop()
      if (reader === undefined) {
        const mine = new AbortController()
        controller = mine
        let response: Response
        try {
          response = await open(mine.signal)
        } catch (error) {
          if (controller === mine) controller = undefined
          throw error
        }
        if (signal.aborted) {
          mine.abort()
          if (controller === mine) controller = undefined
          throw timedOut()
        }
        if (response.body === null) return delivered === 0 ? { kind: 'end' } : { kind: 'changed' }
        reader = response.body.getReader()
        catchUp = delivered > 0 ? { position: 0, hash: createHash('sha256') } : undefined
      }
      const current = reader
      let chunk: Awaited<ReturnType<typeof current.read>>
      try {
        chunk = await current.read()
      } catch (error) {
        // The answer broke off (or was aborted): the retry opens a new one.
        if (reader === current) drop()
        throw error
      }
      if (reader !== current || signal.aborted) {
        // Abandoned: the chunk goes with this answer, and the retry reads on from what was delivered.
        if (reader === current) drop()
        throw timedOut()
      }
      if (chunk.done) {
        reader = undefined
        controller = undefined
        return catchUp === undefined ? { kind: 'end' } : { kind: 'changed' }
      }
      let bytes = chunk.value
      if (catchUp !== undefined) {
        const take = Math.min(bytes.length, delivered - catchUp.position)
        catchUp.hash.update(bytes.subarray(0, take))
        catchUp.position += take
        bytes = bytes.subarray(take)
        if (catchUp.position < delivered) return { kind: 'skip' }
        const same = catchUp.hash.digest('hex') === deliveredHash.copy().digest('hex')
        catchUp = undefined
        if (!same) {
          drop()
          return { kind: 'changed' }
        }
        if (bytes.length === 0) return { kind: 'skip' }
      }
      deliveredHash.update(bytes)
      delivered += bytes.length
      return { kind: 'data', bytes }
    })

  try {
    for (;;) {
      const next = await context.call({ what }, step)
      if (next.kind === 'end') return
      if (next.kind === 'changed') throw new BodyChangedError(what)
      if (next.kind === 'data') yield next.bytes
    }
  } finally {
    drop()
  }
}

/**
 * Runs `work` with the call's signal forwarded to the answer's own controller for as long as the call
 * lasts. The fetch is not given the call's signal itself: the answer outlives the call that opened
 * it, and a sync that aborts a finished call's signal must not cut the body read by the next call.
 */
async function linked<T>(signal: AbortSignal, controller: () => AbortController | undefined, work: () => Promise<T>): Promise<T> {
  // Our own reason, which classify reads as a timeout (the sync's reason is its own class).
  const onAbort = () => controller()?.abort(timedOut())
  signal.addEventListener('abort', onAbort)
  try {
    return await work()
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

function timedOut(): DOMException {
  return new DOMException('the sync abandoned the read (timeout)', 'TimeoutError')
}
