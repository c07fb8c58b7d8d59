/**
 * The names and job options the worker's jobs live under in graphile-worker's tables, shared by the
 * worker and by the status queries (which must not load graphile-worker itself).
 */
export const WORKER_SCHEMA = 'graphile_worker'
export const SYNC_TASK = 'customer_graph_sync'

export interface SyncJobPayload {
  connection: string
  stream: string
}

/** A stream's job key: a tick that finds its job still waiting updates it instead of adding another. */
export const jobKeyOf = (connection: string, stream: string) => `sync:${connection}:${stream}`
/** A connection's queue: its jobs run one at a time across every worker. */
export const queueOf = (connection: string) => `sync:${connection}`

/**
 * How a stream's job is queued, by a tick or by a rescheduled run: keyed, with `preserve_run_at` so a
 * tick that finds the job waiting leaves it as it is (a job already running gets a successor instead),
 * in the connection's queue, in the stream's place in the connection's order.
 */
export function syncJobSpec(connection: string, stream: string, options: { priority: number; maxAttempts: number }) {
  return { jobKey: jobKeyOf(connection, stream), jobKeyMode: 'preserve_run_at' as const, queueName: queueOf(connection), priority: options.priority, maxAttempts: options.maxAttempts }
}
