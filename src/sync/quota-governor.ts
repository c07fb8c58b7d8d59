/**
 * One per credential, shared by every stream of the connection that signs in with it: bounds the
 * requests in flight (p-limit) and holds them all back while the source has asked us to wait. A
 * rate-limit answer to one stream slows every stream of that credential, as the source counts them
 * together.
 */
import pLimit, { type LimitFunction } from 'p-limit'

export class QuotaGovernor {
  readonly #limit: LimitFunction
  readonly #now: () => number
  #resumeAt = 0
  /** Rate-limit answers in a row, for the backoff when the source gives no hint. */
  #strikes = 0

  constructor(concurrency: number, now: () => number = Date.now) {
    this.#limit = pLimit(concurrency)
    this.#now = now
  }

  /** Runs a request in one of the credential's slots. */
  run<T>(request: () => Promise<T>): Promise<T> {
    return this.#limit(request)
  }

  /** How long requests must still wait before the source accepts them again, in ms. */
  waitMs(): number {
    return Math.max(0, this.#resumeAt - this.#now())
  }

  /**
   * The source said to slow down: wait its hint, else an exponential backoff over the answers in a
   * row (1 s, 2 s, 4 s … up to 10 minutes). Returns the wait now in force.
   */
  rateLimited(retryAfterMs: number | undefined): number {
    this.#strikes++
    const wait = retryAfterMs ?? Math.min(1000 * 2 ** (this.#strikes - 1), 600_000)
    this.#resumeAt = Math.max(this.#resumeAt, this.#now() + wait)
    return this.waitMs()
  }

  /** A request got through: the next rate-limit answer starts the backoff again. */
  succeeded(): void {
    this.#strikes = 0
  }
}
