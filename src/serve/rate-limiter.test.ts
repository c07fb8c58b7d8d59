import { describe, expect, it } from 'vitest'
import { createRateLimiter, DEFAULT_RATE_LIMIT, parseRateLimit } from './rate-limiter.ts'

function manualClock(start = Date.parse('2026-12-07T10:00:00Z')) {
  let now = start
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) }
}

describe('createRateLimiter', () => {
  it('allows a burst, then refuses with the seconds until one request refills', () => {
    const clock = manualClock()
    const limiter = createRateLimiter({ perMinute: 60, burst: 3 }, clock)
    expect([1, 2, 3].map(() => limiter.take('tok_a'))).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }])
    expect(limiter.take('tok_a')).toEqual({ allowed: false, retryAfterSeconds: 1 })
    clock.advance(999)
    expect(limiter.take('tok_a').allowed).toBe(false)
    clock.advance(1)
    expect(limiter.take('tok_a')).toEqual({ allowed: true })
    expect(limiter.take('tok_a').allowed).toBe(false)
  })

  it('keeps one bucket per key', () => {
    const limiter = createRateLimiter({ perMinute: 1, burst: 1 }, manualClock())
    expect(limiter.take('tok_a').allowed).toBe(true)
    expect(limiter.take('tok_a')).toEqual({ allowed: false, retryAfterSeconds: 60 })
    expect(limiter.take('tok_b').allowed).toBe(true)
  })

  it('refills at the rate but never above the burst', () => {
    const clock = manualClock()
    const limiter = createRateLimiter({ perMinute: 60, burst: 2 }, clock)
    limiter.take('k')
    limiter.take('k')
    clock.advance(60 * 60_000)
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')].map((decision) => decision.allowed)).toEqual([true, true, false])
  })

  it('does not count refused requests against the wait', () => {
    const clock = manualClock()
    const limiter = createRateLimiter({ perMinute: 30, burst: 1 }, clock)
    limiter.take('k')
    for (let i = 0; i < 5; i++) expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 2 })
    clock.advance(2000)
    expect(limiter.take('k').allowed).toBe(true)
  })

  it('refuses a limit that would never admit a request', () => {
    expect(() => createRateLimiter({ perMinute: 0, burst: 1 }, manualClock())).toThrow(RangeError)
    expect(() => createRateLimiter({ perMinute: 10, burst: 0 }, manualClock())).toThrow(RangeError)
  })
})

describe('parseRateLimit', () => {
  it('reads N/min and N, with the default burst capped at N', () => {
    expect(parseRateLimit('120/min')).toEqual({ perMinute: 120, burst: DEFAULT_RATE_LIMIT.burst })
    expect(parseRateLimit('5')).toEqual({ perMinute: 5, burst: 5 })
    expect(parseRateLimit(' 30 / min ')).toEqual({ perMinute: 30, burst: 20 })
  })

  it('refuses anything else', () => {
    for (const text of ['', '0', '0/min', '-5', '10/s', '1.5', 'lots', '99999999999999999999']) expect(parseRateLimit(text)).toBeNull()
  })
})
