import { describe, expect, it } from 'vitest'
import { SourceError, type ApiSession, type SourceFailure } from '../connectors/api-contract.ts'
import { CgError } from '../errors.ts'
import { createLogger } from '../logger.ts'
import { QuotaGovernor } from './quota-governor.ts'
import { Secret } from './secret.ts'
import { createStreamContext, CursorExpired, RateLimitedError } from './stream-context.ts'

/** What a request failed with, as a connector's classify would read it. */
class Failed extends Error {
  readonly failure: SourceFailure
  constructor(failure: SourceFailure) {
    super(failure.detail)
    this.failure = failure
  }
}

const session: ApiSession = { streams: [], check: () => Promise.reject(new Error('unused')), classify: (error) => (error as Failed).failure }

function context(options: { timeoutMs?: number; maxWaitMs?: number; signal?: AbortSignal } = {}) {
  let now = 0
  const sleeps: number[] = []
  const governor = new QuotaGovernor(2, () => now)
  const ctx = createStreamContext({
    connection: 'acme',
    session,
    governor,
    requestTimeoutMs: options.timeoutMs ?? 1000,
    maxRateLimitWaitMs: options.maxWaitMs ?? 60_000,
    full: false,
    secrets: [new Secret('TOKEN', 'tok-canary-123')],
    sleep: (ms) => {
      sleeps.push(ms)
      now += ms
      return Promise.resolve()
    },
    now: () => new Date(now),
    logger: createLogger('silent'),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  return { ctx, sleeps }
}

/** A request that fails with the given failures in turn, then answers 'ok'. */
function flaky(...failures: SourceFailure[]) {
  let calls = 0
  return {
    request: () => (calls < failures.length ? Promise.reject(new Failed(failures[calls++]!)) : (calls++, Promise.resolve('ok'))),
    calls: () => calls,
  }
}

describe('stream context', () => {
  it("abandons a request in flight when the run stops, aborting the request's signal, and refuses new ones", async () => {
    const stop = new AbortController()
    const { ctx } = context({ timeoutMs: 600_000, signal: stop.signal })
    let requestSignal: AbortSignal | undefined
    const pending = ctx.call({ what: 'users.list' }, (signal) => {
      requestSignal = signal
      return new Promise<never>(() => undefined)
    })
    const reason = new CgError('E_RUN_TIMEOUT', 'acme: users was still running after 2 s')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(requestSignal?.aborted).toBe(false)
    stop.abort(reason)
    await expect(pending).rejects.toBe(reason)
    expect(requestSignal?.aborted).toBe(true)
    await expect(ctx.call({ what: 'users.list' }, () => Promise.resolve('ok'))).rejects.toBe(reason)
  })

  it('waits a rate limit out for as long as the source says, and backs off exponentially without a hint', async () => {
    const { ctx, sleeps } = context()
    const source = flaky({ kind: 'rate_limited', retryAfterMs: 7000, detail: '429' }, { kind: 'rate_limited', detail: '429' }, { kind: 'rate_limited', detail: '429' })
    await expect(ctx.call({ what: 'users.list' }, source.request)).resolves.toBe('ok')
    // 7 s as asked, then the backoff of the 2nd and 3rd answer in a row (2 s, 4 s); the longer hint still holds for the 2nd.
    expect(sleeps).toEqual([7000, 2000, 4000])
  })

  it('reschedules instead of sleeping when the wait is longer than the cap', async () => {
    const { ctx } = context({ maxWaitMs: 5000 })
    const error = await ctx.call({ what: 'users.list' }, flaky({ kind: 'rate_limited', retryAfterMs: 9000, detail: 'HTTP 429 ratelimited' }).request).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RateLimitedError)
    expect(error).toMatchObject({ code: 'E_RATE_LIMITED', retryable: true, retryAt: new Date(9000) })
    // The source's own words say which limit it was.
    expect((error as Error).message).toMatch(/users\.list: rate limited \(the source asked to wait 9 s: HTTP 429 ratelimited\)/)
  })

  it('retries transient failures five times with backoff, then gives up retryably', async () => {
    const { ctx, sleeps } = context()
    const transient: SourceFailure = { kind: 'transient', detail: 'HTTP 503' }
    await expect(ctx.call({ what: 'a' }, flaky(transient, transient).request)).resolves.toBe('ok')
    expect(sleeps).toHaveLength(2)
    const failing = flaky(...Array.from({ length: 6 }, () => transient))
    const error = await ctx.call({ what: 'b' }, failing.request).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'E_SOURCE_UNAVAILABLE', retryable: true, location: { endpoint: 'b' } })
    expect(failing.calls()).toBe(6)
  })

  it('abandons a request that never answers, aborting its signal, and retries it', async () => {
    const { ctx } = context({ timeoutMs: 50 })
    const signals: AbortSignal[] = []
    let calls = 0
    const result = await ctx.call({ what: 'hang' }, (signal) => {
      signals.push(signal)
      return ++calls === 1 ? new Promise<string>(() => undefined) : Promise.resolve('ok')
    })
    expect(result).toBe('ok')
    expect(signals[0]?.aborted).toBe(true)
  })

  it('turns auth, fatal and expired-cursor answers into their errors, with secrets scrubbed in every form', async () => {
    const { ctx } = context()
    const leaked = `token tok-canary-123, ${Buffer.from('tok-canary-123').toString('base64')}, ${encodeURIComponent('tok-canary-123')}`
    const auth = await ctx.call({ what: 'auth.test' }, flaky({ kind: 'auth', detail: leaked }).request).catch((caught: unknown) => caught as CgError)
    expect(auth).toMatchObject({ code: 'E_AUTH' })
    expect((auth as CgError).message).not.toMatch(/canary|dG9rLWNhbmFyeS0xMjM/)
    const fatal = await ctx.call({ what: 'users.info' }, flaky({ kind: 'fatal', code: 'user_not_found', detail: 'user_not_found' }).request).catch((caught: unknown) => caught)
    expect(fatal).toBeInstanceOf(SourceError)
    expect(fatal).toMatchObject({ code: 'E_SOURCE', sourceCode: 'user_not_found' })
    const expired = await ctx.call({ what: 'people' }, flaky({ kind: 'cursor_expired', detail: 'EXPIRED_SYNC_TOKEN' }).request).catch((caught: unknown) => caught)
    expect(expired).toBeInstanceOf(CursorExpired)
  })

  it('stops a listing that hands out the same cursor twice', () => {
    const { ctx } = context()
    ctx.page('users.list', 'abc')
    ctx.page('users.list', 'def')
    ctx.page('conversations.members:C1', 'abc')
    expect(() => ctx.page('users.list', 'abc')).toThrow(expect.objectContaining({ code: 'E_PAGINATION_LOOP', location: { endpoint: 'users.list', page: 3 } }))
  })
})
