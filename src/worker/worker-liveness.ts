/**
 * Finding jobs whose worker died. graphile-worker releases a job locked by a worker that vanished
 * only after four hours; a SIGKILLed worker's sync would wait that long. So each worker process holds
 * a session advisory lock named after its worker pool for as long as it lives (PostgreSQL frees it the
 * moment the process's connection drops), and every worker looks, every few seconds, at the jobs
 * locked for longer than a grace period: a lock owner whose advisory lock is free is dead, and its
 * jobs and queues are unlocked for another worker to run again from the committed cursors.
 *
 * The grace period covers the moment between a pool starting and taking its advisory lock.
 */
import pg from 'pg'
import type { Logger } from '../logger.ts'

const lockKey = (poolId: string) => `customer-graph:worker:${poolId}`

export interface Liveness {
  /** Marks this pool alive until the process ends or release() runs. */
  claim(poolId: string): Promise<void>
  /** Unlocks the jobs of dead pools; returns their ids. */
  sweep(): Promise<string[]>
  release(): Promise<void>
}

export async function openLiveness(options: { connectionString: string; schema: string; graceMs: number; logger: Logger }): Promise<Liveness> {
  // One session of its own: the advisory locks live and die with it.
  const client = new pg.Client({ connectionString: options.connectionString, application_name: 'customer-graph worker liveness' })
  await client.connect()
  const own = new Set<string>()
  const schema = `"${options.schema.replaceAll('"', '""')}"`
  // One statement at a time on the shared session: claim and sweep may overlap.
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }
  return {
    claim: (poolId) =>
      serial(async () => {
        await client.query('select pg_advisory_lock(hashtext($1))', [lockKey(poolId)])
        own.add(poolId)
      }),
    sweep: () =>
      serial(async () => {
        const { rows } = await client.query<{ locked_by: string }>(
          `select distinct locked_by from ${schema}.jobs where locked_by is not null and locked_at < now() - make_interval(secs => $1::double precision / 1000)`,
          [options.graceMs],
        )
        const dead: string[] = []
        for (const { locked_by: poolId } of rows) {
          if (own.has(poolId)) continue
          const { rows: tried } = await client.query<{ free: boolean }>('select pg_try_advisory_lock(hashtext($1)) as free', [lockKey(poolId)])
          if (!tried[0]?.free) continue
          await client.query('select pg_advisory_unlock(hashtext($1))', [lockKey(poolId)])
          dead.push(poolId)
        }
        if (dead.length > 0) {
          await client.query(`select ${schema}.force_unlock_workers($1::text[])`, [dead])
          options.logger.warn({ workers: dead }, 'worker.unlocked_dead_workers')
        }
        return dead
      }),
    release: () => serial(() => client.end()),
  }
}
