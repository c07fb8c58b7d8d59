/**
 * Lookup latency: p50/p95/p99 of lookupCustomer for emails, system ids, domains, fuzzy names (a typo
 * in a real name) and ambiguous names, sampled from the store it runs against, with several
 * concurrent callers on one pool. A benchmark, not a test: run it against a resolved store.
 *
 *   DATABASE_URL=postgres://… node src/bench/lookup-latency.ts [--queries 200] [--concurrency 4]
 *   node src/bench/lookup-latency.ts --data-dir ./.customer-graph
 */
import { sql, type Kysely } from 'kysely'
import type { Deps } from '../deps.ts'
import { lookupCustomer } from '../lookup/lookup-customer.ts'
import type { Principal } from '../lookup/lookup-schema.ts'
import type { DB } from '../schema/database.ts'

export type QueryClass = 'email' | 'system_id' | 'domain' | 'fuzzy_name' | 'ambiguous_name'

export interface LatencyRow {
  queryClass: QueryClass
  queries: number
  p50: number
  p95: number
  p99: number
  statuses: Record<string, number>
}

const principal: Principal = { id: 'bench', surface: 'library', scopes: new Set(['lookup', 'pii']), subject: 'all' }

/** Sample queries of each class from the store (random rows, stable for one seed of the sampler). */
export async function sampleQueries(db: Kysely<DB>, perClass: number): Promise<Record<QueryClass, string[]>> {
  const pick = async (statement: ReturnType<typeof sql<{ q: string }>>) => (await statement.execute(db)).rows.map((row) => row.q)
  const email = await pick(sql<{ q: string }>`
    select value as q from resolution_keys tablesample system (2) repeatable (7)
    where entity_kind = 'person' and kind = 'email' and role = 'identifier' and not is_generic limit ${perClass}`)
  const systemId = await pick(sql<{ q: string }>`
    select source_id as q from source_records tablesample system (2) repeatable (7)
    where system = 'salesforce' and object_type = 'Contact' and deleted_at is null limit ${perClass}`)
  const domain = await pick(sql<{ q: string }>`
    select value as q from resolution_keys tablesample system (5) repeatable (7)
    where entity_kind = 'organization' and kind = 'domain' and role = 'identifier' limit ${perClass}`)
  const names = await pick(sql<{ q: string }>`
    select display_name as q from entities tablesample system (2) repeatable (7)
    where kind = 'person' and redirect_to is null and display_name like '% %' and length(display_name) >= 8 limit ${perClass}`)
  const ambiguous = await pick(sql<{ q: string }>`
    select display_name as q from entities where kind = 'person' and redirect_to is null and display_name is not null
    group by display_name having count(*) between 2 and 5 order by md5(display_name) limit ${perClass}`)
  return { email, system_id: systemId, domain, fuzzy_name: names.map(typo), ambiguous_name: ambiguous }
}

/** Swaps two letters inside the family name: "Ada Lovelace" → "Ada Lovleace". */
function typo(name: string): string {
  const at = name.lastIndexOf(' ') + 3
  if (at + 1 >= name.length) return name
  return name.slice(0, at) + name.charAt(at + 1) + name.charAt(at) + name.slice(at + 2)
}

export async function measureLatency(deps: Deps, queries: Record<QueryClass, string[]>, concurrency: number): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = []
  for (const [queryClass, list] of Object.entries(queries) as [QueryClass, string[]][]) {
    // Warm the caches and the pool's connections: the first calls measure the disk, not the lookup.
    await runAll(deps, list.slice(0, Math.min(20, list.length)), concurrency)
    const timings = await runAll(deps, list, concurrency)
    const sorted = timings.map((timing) => timing.ms).sort((a, b) => a - b)
    const statuses: Record<string, number> = {}
    for (const timing of timings) statuses[timing.status] = (statuses[timing.status] ?? 0) + 1
    rows.push({ queryClass, queries: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), statuses })
  }
  return rows
}

async function runAll(deps: Deps, queries: string[], concurrency: number): Promise<{ ms: number; status: string }[]> {
  const results: { ms: number; status: string }[] = []
  let next = 0
  const worker = async () => {
    while (next < queries.length) {
      const query = queries[next++]!
      const started = performance.now()
      const result = await lookupCustomer(deps, { query }, principal)
      results.push({ ms: performance.now() - started, status: result.status })
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results
}

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return 0
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]! * 10) / 10
}
