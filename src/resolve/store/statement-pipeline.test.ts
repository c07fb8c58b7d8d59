import { describe, expect, it } from 'vitest'
import { StatementPipeline } from './statement-pipeline.ts'

/** What PostgreSQL answers every statement after one that failed in the same transaction. */
const aborted = () => Object.assign(new Error('current transaction is aborted, commands ignored until end of transaction block'), { code: '25P02' })
const later = <T>(value: T, ms = 5) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms))
const failLater = (error: Error, ms = 5) => new Promise<never>((_, reject) => setTimeout(() => reject(error), ms))

describe('StatementPipeline', () => {
  it('waits for the oldest statements until at most depth are in flight', async () => {
    const pipeline = new StatementPipeline(2)
    const settle: (() => void)[] = []
    const settled: number[] = []
    const statement = (n: number) => new Promise<void>((resolve) => settle.push(() => resolve())).then(() => void settled.push(n))
    for (const n of [1, 2]) void pipeline.issue(statement(n))
    await pipeline.wait() // two in flight: nothing to wait for
    void pipeline.issue(statement(3))
    const waiting = pipeline.wait()
    settle[1]!() // the second finishing first is not enough: the oldest is waited for
    await later(undefined, 1)
    expect(settled).toEqual([2])
    settle[0]!()
    await waiting
    expect(settled).toEqual([2, 1])
    settle[2]!()
    await pipeline.drain()
    expect(settled).toEqual([2, 1, 3])
  })

  it('reports the statement that failed, not the aborted-transaction echoes after it', async () => {
    const pipeline = new StatementPipeline(5)
    const cause = new Error('duplicate key value violates unique constraint')
    void pipeline.issue(later('read'))
    void pipeline.issue(failLater(cause, 10))
    void pipeline.issue(failLater(aborted(), 1))
    await expect(pipeline.drain()).rejects.toBe(cause)
  })

  it('gives the cause when the caller stopped on an echo, and the caller\'s own error otherwise', async () => {
    const cause = new Error('deadlock detected')
    const echoing = new StatementPipeline(5)
    void echoing.issue(failLater(cause))
    await expect(echoing.fail(aborted())).rejects.toBe(cause)

    const own = new Error('a bug in resolving the batch')
    const failing = new StatementPipeline(5)
    void failing.issue(failLater(cause))
    await expect(failing.fail(own)).rejects.toBe(own)
  })
})
