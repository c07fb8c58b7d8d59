/**
 * A token bucket per key (a principal id): `burst` requests at once, refilled at `perMinute`. Held by
 * one app instance, so each serving process limits on its own; with N processes behind a balancer a
 * token gets up to N times the rate, which is the price of keeping the processes stateless.
 */
import type { Clock } from '../deps.ts'

export interface RateLimit {
  perMinute: number
  burst: number
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perMinute: 60, burst: 20 }

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export interface RateLimiter {
  take(key: string): RateDecision
}

interface Bucket {
  tokens: number
  at: number
}

/** Buckets kept before full ones are dropped: a full bucket is the same as no bucket. */
const PRUNE_ABOVE = 10_000

export function createRateLimiter(limit: RateLimit, clock: Clock): RateLimiter {
  if (!(limit.perMinute > 0) || !(limit.burst >= 1)) throw new RangeError(`rate limit needs perMinute > 0 and burst >= 1, got ${JSON.stringify(limit)}`)
  const perMs = limit.perMinute / 60_000
  const buckets = new Map<string, Bucket>()

  const refilled = (bucket: Bucket, now: number): number => Math.min(limit.burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs)

  return {
    take(key) {
      const now = clock.now().getTime()
      const bucket = buckets.get(key) ?? { tokens: limit.burst, at: now }
      const tokens = refilled(bucket, now)
      if (tokens < 1) {
        buckets.set(key, { tokens, at: now })
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) }
      }
      buckets.set(key, { tokens: tokens - 1, at: now })
      if (buckets.size > PRUNE_ABOVE) {
        for (const [other, value] of buckets) if (refilled(value, now) >= limit.burst) buckets.delete(other)
      }
      return { allowed: true }
    },
  }
}

/** Parses `--rate-limit`: `N/min` or `N`; the burst is the default one, or N when that is smaller. */
export function parseRateLimit(text: string): RateLimit | null {
  const match = /^\s*(\d+)\s*(?:\/\s*min)?\s*$/.exec(text)
  const perMinute = match ? Number(match[1]) : NaN
  if (!Number.isSafeInteger(perMinute) || perMinute < 1) return null
  return { perMinute, burst: Math.min(DEFAULT_RATE_LIMIT.burst, perMinute) }
}
