/**
 * Statements issued on one transaction without waiting for each to finish, so that the database
 * works while the process computes. The connection runs them in the order they were issued; the
 * caller keeps at most `depth` of them in flight, which bounds the memory their parameters hold.
 *
 * When one fails, PostgreSQL aborts the transaction and every statement after it fails only with
 * "current transaction is aborted" (25P02): `drain` waits for all of them and reports the first real
 * failure, never the echo.
 */
export class StatementPipeline {
  readonly #inFlight: Promise<unknown>[] = []
  readonly #depth: number

  constructor(depth: number) {
    this.#depth = depth
  }

  /** Tracks a statement (or a chain of them) issued on the transaction. */
  issue<T>(statement: Promise<T>): Promise<T> {
    statement.catch(() => undefined) // observed by wait() or drain(); never an unhandled rejection
    this.#inFlight.push(statement)
    return statement
  }

  /** Waits for the oldest statements until at most `depth` are in flight. */
  async wait(): Promise<void> {
    while (this.#inFlight.length > this.#depth) await this.#inFlight.shift()
  }

  /** Waits for every statement in flight; throws the first failure that is a cause, not an echo. */
  async drain(): Promise<void> {
    const settled = await Promise.allSettled(this.#inFlight.splice(0))
    const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []))
    if (failures.length > 0) throw failures.find((failure) => !isAbortedTransaction(failure)) ?? failures[0]
  }

  /** After `error` stopped the caller: lets every statement in flight finish, then throws the cause. */
  async fail(error: unknown): Promise<never> {
    try {
      await this.drain()
    } catch (failure) {
      if (isAbortedTransaction(error)) throw failure
    }
    throw error
  }
}

function isAbortedTransaction(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '25P02'
}
