/**
 * The StreamContext the sync hands a connector's stream: every request goes through `call`, which
 * owns what a connector must not decide alone — how long to wait for an answer, which failures to
 * repeat and how often, how to share the credential's quota, and when a wait is too long to sleep
 * through (the stream stops with E_RATE_LIMITED, to be run again later from its committed cursor).
 */
import { SourceError, type ApiSession, type CallOptions, type StreamContext } from '../connectors/api-contract.ts'
import { CgError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { QuotaGovernor } from './quota-governor.ts'
import type { Clock } from '../deps.ts'
import type { ConnectionEntry } from './connections-config.ts'
import { redactSecrets, secretsIn, type Secret } from './secret.ts'

export interface StreamContextOptions {
  connection: string
  session: ApiSession
  governor: QuotaGovernor
  requestTimeoutMs: number
  maxRateLimitWaitMs: number
  full: boolean
  secrets: readonly Secret[]
  sleep: (ms: number) => Promise<void>
  now: () => Date
  logger: Logger
  /** The run's stop signal: a request in flight or a wait is abandoned with its reason. */
  signal?: AbortSignal
}

/** Transient failures (5xx, resets, truncated bodies, timeouts) repeated per request before giving up. */
const TRANSIENT_RETRIES = 5
/** Rate-limit answers in a row per request: each wait is within the cap, but a source that never lets up must end the run. */
const RATE_LIMIT_RETRIES = 30

/** A sync token or saved position the source no longer accepts: the stream reads again from the start. */
export class CursorExpired extends Error {
  readonly what: string
  constructor(what: string, detail: string) {
    super(`${what}: the source no longer accepts the saved position (${detail})`)
    this.name = 'CursorExpired'
    this.what = what
  }
}

class RequestTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`)
  }
}

/** The context for one read of a configured connection, with its limits and secrets. */
export function connectionContext(
  entry: ConnectionEntry,
  session: ApiSession,
  run: { governor: QuotaGovernor; full: boolean; sleep: (ms: number) => Promise<void>; clock: Clock; logger: Logger; signal?: AbortSignal | undefined },
): StreamContext {
  return createStreamContext({
    connection: entry.name,
    session,
    governor: run.governor,
    requestTimeoutMs: entry.requestTimeoutMs,
    maxRateLimitWaitMs: entry.maxRateLimitWaitMs,
    full: run.full,
    secrets: secretsIn(entry.settings),
    sleep: run.sleep,
    now: () => run.clock.now(),
    logger: run.logger,
    ...(run.signal ? { signal: run.signal } : {}),
  })
}

/** Real waiting, for everything but tests. */
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function createStreamContext(options: StreamContextOptions): StreamContext {
  const listings = new Map<string, Set<string>>()
  return {
    full: options.full,
    now: options.now,
    logger: options.logger,
    call: (call, request) => callSource(options, call, request),
    page(listing, cursor) {
      const seen = listings.get(listing) ?? new Set<string>()
      listings.set(listing, seen)
      if (seen.has(cursor)) {
        throw new CgError(
          'E_PAGINATION_LOOP',
          `${options.connection}: ${listing} returned the page cursor "${cursor.slice(0, 60)}" a second time in one listing; stopped instead of paging forever (the pages before it landed)`,
          { location: { endpoint: listing, page: seen.size + 1 } },
        )
      }
      seen.add(cursor)
    },
  }
}

async function callSource<T>(options: StreamContextOptions, call: CallOptions, request: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { governor, session, connection } = options
  const where = { endpoint: call.what }
  let transient = 0
  let limited = 0
  let limitDetail: string | undefined
  const sleep = (ms: number) => untilStopped(options.sleep(ms), options.signal)
  for (;;) {
    options.signal?.throwIfAborted()
    await waitForQuota(options, call.what, limitDetail, sleep)
    try {
      const result = await governor.run(() => withTimeout(request, options.requestTimeoutMs, options.signal))
      governor.succeeded()
      return result
    } catch (error) {
      if (error instanceof CgError) throw error
      if (options.signal?.aborted) throw options.signal.reason
      const failure = error instanceof RequestTimeout ? { kind: 'transient' as const, detail: error.message } : session.classify(error)
      const detail = redactSecrets(failure.detail, options.secrets)
      switch (failure.kind) {
        case 'rate_limited': {
          const wait = governor.rateLimited(failure.retryAfterMs)
          limitDetail = detail
          options.logger.warn({ connection, endpoint: call.what, waitMs: wait, detail }, 'sync.rate_limited')
          if (++limited > RATE_LIMIT_RETRIES) throw rateLimited(options, call.what, wait, `${limited - 1} rate-limit answers in a row, the last: ${detail}`)
          continue
        }
        case 'transient': {
          if (++transient > TRANSIENT_RETRIES) {
            throw new CgError('E_SOURCE_UNAVAILABLE', `${connection}: ${call.what} failed ${transient} times in a row (${detail}); the source looks unavailable, try again later (a sync resumes after the last page it landed)`, {
              retryable: true,
              location: where,
            })
          }
          const backoff = Math.min(500 * 2 ** (transient - 1), 30_000) * (0.75 + Math.random() / 2)
          options.logger.warn({ connection, endpoint: call.what, attempt: transient, backoffMs: Math.round(backoff), detail }, 'sync.retry')
          await sleep(backoff)
          continue
        }
        case 'auth':
          throw new CgError('E_AUTH', `${connection}: ${call.what}: the source refused the credentials (${detail}); check the connection's credentials and the environment variables they name`, {
            location: where,
          })
        case 'cursor_expired':
          throw new CursorExpired(call.what, detail)
        case 'fatal':
          throw new SourceError(`${connection}: ${call.what} failed: ${failure.code}: ${detail}`, failure.code, call.what)
      }
    }
  }
}

/** Sleeps out the credential's rate-limit wait, or stops the stream when it is longer than the cap. */
async function waitForQuota(options: StreamContextOptions, what: string, detail: string | undefined, sleep: (ms: number) => Promise<void>): Promise<void> {
  const wait = options.governor.waitMs()
  if (wait === 0) return
  if (wait > options.maxRateLimitWaitMs) {
    // The answer that set the wait, when this call got it (another stream's may have, on a shared credential).
    throw rateLimited(options, what, wait, `the source asked to wait ${Math.ceil(wait / 1000)} s${detail === undefined ? '' : `: ${detail}`}`)
  }
  await sleep(wait)
}

/** The stream stops for now: everything before it landed, and it can run again from `retryAt`. */
export class RateLimitedError extends CgError {
  readonly retryAt: Date
  constructor(message: string, retryAt: Date, endpoint: string) {
    super('E_RATE_LIMITED', message, { retryable: true, location: { endpoint } })
    this.retryAt = retryAt
  }
}

function rateLimited(options: StreamContextOptions, what: string, waitMs: number, why: string): RateLimitedError {
  const retryAt = new Date(options.now().getTime() + waitMs)
  return new RateLimitedError(`${options.connection}: ${what}: rate limited (${why}); stopped with everything before it landed, run again after ${retryAt.toISOString()}`, retryAt, what)
}

/**
 * Runs a request with an abort signal that fires after `ms`, or when the run stops (rejecting with the
 * stop's reason); a promise that ignores the signal is abandoned.
 */
async function withTimeout<T>(request: (signal: AbortSignal) => Promise<T>, ms: number, stop: AbortSignal | undefined): Promise<T> {
  stop?.throwIfAborted()
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new RequestTimeout(ms))
      reject(new RequestTimeout(ms))
    }, ms)
  })
  const onStop = () => controller.abort(stop?.reason)
  stop?.addEventListener('abort', onStop, { once: true })
  try {
    const pending = request(controller.signal)
    // An abandoned request that fails later must not become an unhandled rejection.
    pending.catch(() => undefined)
    return await untilStopped(Promise.race([pending, timeout]), stop)
  } finally {
    clearTimeout(timer)
    stop?.removeEventListener('abort', onStop)
  }
}

/** `work`, or the stop's reason as soon as the run stops (the work is abandoned). */
async function untilStopped<T>(work: Promise<T>, stop: AbortSignal | undefined): Promise<T> {
  if (!stop) return work
  stop.throwIfAborted()
  let onStop: (() => void) | undefined
  const stopped = new Promise<never>((_, reject) => {
    onStop = () => reject(stop.reason instanceof Error ? stop.reason : new Error(String(stop.reason)))
    stop.addEventListener('abort', onStop, { once: true })
  })
  try {
    work.catch(() => undefined)
    return await Promise.race([work, stopped])
  } finally {
    stop.removeEventListener('abort', onStop!)
  }
}
