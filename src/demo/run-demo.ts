/**
 * The demo: a generated company goes through everything the product does — the four systems'
 * exports written, imported, resolved — and then two lookups show what comes out: a customer found
 * across systems (picked so that the answer joins them: an account whose owner has left, per
 * Workday), and a name several people share, answered with the candidates. Seeded, so the same
 * seed tells the same story.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { exportConnectors } from '../connectors/registry.ts'
import type { Deps } from '../deps.ts'
import { openExportSource } from '../formats/export-source.ts'
import { generateCompany, type GenerateReport } from '../generate/generate-company.ts'
import { lookupCustomer } from '../lookup/lookup-customer.ts'
import type { LookupResult, Principal } from '../lookup/lookup-schema.ts'
import { runImport, type ImportReport } from '../pipeline/run-import.ts'
import { runResolution, type ResolutionReport } from '../resolve/run-resolution.ts'
import type { BuiltInSystem } from '../schema/database.ts'

export interface DemoOptions {
  people: number
  seed: number
  /** Keep the generated exports here instead of a temporary folder that is removed. */
  keepDir?: string
  onStage?: (stage: 'generate' | 'import' | 'resolve' | 'lookup', detail: string) => void
}

export interface DemoReport {
  company: Pick<GenerateReport, 'people' | 'employees' | 'organizations' | 'seed' | 'dir'> & { records: number }
  imports: Pick<ImportReport, 'system' | 'status' | 'records' | 'durationMs'>[]
  resolution: Pick<ResolutionReport, 'queued' | 'durationMs'> & { people: number; organizations: number }
  lookups: { query: string; result: LookupResult }[]
  durationMs: number
}

/** In this order, so that our own people are known when customers' records arrive. */
const SYSTEMS: readonly BuiltInSystem[] = ['workday', 'google', 'salesforce', 'slack']

export async function runDemo(deps: Deps, principal: Principal, options: DemoOptions): Promise<DemoReport> {
  const started = performance.now()
  const dir = options.keepDir ?? (await mkdtemp(join(tmpdir(), 'customer-graph-demo-')))
  try {
    options.onStage?.('generate', `${options.people} people, seed ${options.seed}`)
    const company = await generateCompany({ dir, people: options.people, seed: options.seed })
    const imports: DemoReport['imports'] = []
    for (const system of SYSTEMS) {
      options.onStage?.('import', system)
      const path = system === 'slack' ? join(dir, 'slack-export.zip') : join(dir, system)
      const report = await runImport(deps, { connector: exportConnectors[system], path, openSource: () => openExportSource(path) })
      imports.push({ system: report.system, status: report.status, records: report.records, durationMs: report.durationMs })
    }
    options.onStage?.('resolve', 'people and organisations')
    const resolution = await runResolution(deps)
    const counts = await entityCounts(deps)

    options.onStage?.('lookup', 'two customers')
    const queries = [await customerWithDepartedOwner(deps), await sharedName(deps)].filter((query): query is string => query !== null)
    const lookups = []
    for (const query of queries) lookups.push({ query, result: await lookupCustomer(deps, { query, detail: 'brief' }, principal) })
    return {
      company: { dir: options.keepDir ?? company.dir, people: company.people, employees: company.employees, organizations: company.organizations, seed: company.seed, records: Object.values(company.records).reduce((sum, count) => sum + count, 0) },
      imports,
      resolution: { queued: resolution.queued, durationMs: resolution.durationMs, ...counts },
      lookups,
      durationMs: Math.round(performance.now() - started),
    }
  } finally {
    if (options.keepDir === undefined) await rm(dir, { recursive: true, force: true })
  }
}

async function entityCounts(deps: Deps): Promise<{ people: number; organizations: number }> {
  const { rows } = await sql<{ people: number; organizations: number }>`
    select count(*) filter (where kind = 'person')::int as people, count(*) filter (where kind = 'organization')::int as organizations
    from entities where redirect_to is null`.execute(deps.db)
  return rows[0]!
}

/**
 * The work email of a customer known in several systems whose account owner has left the company
 * (Workday says so): the answer only the joined graph can give. Any customer with an email else.
 */
async function customerWithDepartedOwner(deps: Deps): Promise<string | null> {
  const { rows } = await sql<{ email: string }>`
    select k.value as email
    from entities p
    join edges w on w.from_entity_id = p.id and w.kind = 'works_at'
    join entity_members pm on pm.entity_id = p.id
    join resolution_keys k on k.source_record_id = pm.source_record_id and k.entity_kind = 'person' and k.kind = 'email' and k.role = 'identifier' and not k.is_generic
    left join lateral (
      select true as departed from edges o
      join entity_members om on om.entity_id = o.from_entity_id
      join source_records os on os.id = om.source_record_id and os.system = 'workday'
      join canonical_records oc on oc.source_record_id = os.id and oc.kind = 'person' and (oc.data->'employment'->>'active')::boolean is false
      where o.to_entity_id = w.to_entity_id and o.kind = 'owns' limit 1) owner on true
    where p.kind = 'person' and p.is_internal is false and p.redirect_to is null
    group by p.id, k.value, owner.departed
    order by owner.departed is true desc, count(distinct pm.source_record_id) desc, k.value
    limit 1`.execute(deps.db)
  return rows[0]?.email ?? null
}

/** A name two to five people share (people, not shared mailboxes such as "Support Team"). */
async function sharedName(deps: Deps): Promise<string | null> {
  const { rows } = await sql<{ name: string }>`
    select e.display_name as name from entities e
    where e.kind = 'person' and e.redirect_to is null and e.display_name is not null
      and not exists (select 1 from entity_members m join resolution_keys k on k.source_record_id = m.source_record_id
        and k.entity_kind = 'person' and k.kind = 'email' and k.is_generic where m.entity_id = e.id)
    group by e.display_name having count(*) between 2 and 5
    order by count(*) desc, e.display_name limit 1`.execute(deps.db)
  return rows[0]?.name ?? null
}
