/**
 * `customer-graph check`: opens a connection and asks its connector to verify the credentials and
 * scopes with its cheapest calls, through the same request handling as a sync (timeouts, retries,
 * rate limits, secrets scrubbed), without reading or writing any record.
 */
import type { CheckResult } from '../connectors/api-contract.ts'
import type { Deps } from '../deps.ts'
import type { ConnectionEntry } from './connections-config.ts'
import { QuotaGovernor } from './quota-governor.ts'
import { connectionContext, realSleep } from './stream-context.ts'

export async function checkConnection(deps: Pick<Deps, 'clock' | 'logger'>, entry: ConnectionEntry, sleep = realSleep): Promise<CheckResult> {
  const session = await entry.connector.open(entry.settings, { logger: deps.logger, connection: entry.name })
  try {
    const governor = new QuotaGovernor(entry.concurrency, () => deps.clock.now().getTime())
    return await session.check(connectionContext(entry, session, { governor, full: false, sleep, clock: deps.clock, logger: deps.logger }))
  } finally {
    await session.close?.().catch(() => undefined)
  }
}
