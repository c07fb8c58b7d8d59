/**
 * Erasure (customer-graph erase, GDPR Art. 17) on a generated company imported from all four
 * systems: the person is gone from every table (a scan of every text, jsonb and array column finds
 * none of their emails, ids, names or phones), a namesake keeps theirs, and neither a re-import of the
 * same exports nor a sync of the Slack API re-creates them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportConnectors } from '../src/connectors/registry.ts'
import { catalogOf } from '../src/sync/load-connections.ts'
import type { Deps } from '../src/deps.ts'
import { erasePerson } from '../src/erase/erase-person.ts'
import { readPersonTrace, type PersonTrace } from '../src/erase/person-trace.ts'
import { CLOSED_COLUMNS, RULE_COLUMNS, SCRUB_PLAN } from '../src/erase/scrub-plan.ts'
import { openExportSource } from '../src/formats/export-source.ts'
import { generateCompany } from '../src/generate/generate-company.ts'
import { createLogger } from '../src/logger.ts'
import { lookupCustomer } from '../src/lookup/lookup-customer.ts'
import type { Principal } from '../src/lookup/lookup-schema.ts'
import { runImport } from '../src/pipeline/run-import.ts'
import { runResolution } from '../src/resolve/run-resolution.ts'
import type { DB } from '../src/schema/database.ts'
import { parseConnectionsFile } from '../src/sync/connections-config.ts'
import { runSync } from '../src/sync/run-sync.ts'
import { startSlackFake, type SlackFake } from './fakes/slack/slack-fake.ts'
import { loadSlackWorkspace } from './fakes/slack/workspace.ts'
import { runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets, type TestDatabase } from './support/test-databases.ts'

let dir: string
let company: string
const EXPORTS = { workday: 'workday', google: 'google', salesforce: 'salesforce', slack: 'slack' } as const
const TOKEN = 'xoxb-erase-test-4411'

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-erase-'))
  company = join(dir, 'company')
  await generateCompany({ dir: company, people: 150, seed: 3 })
}, 120_000)
afterAll(() => rm(dir, { recursive: true, force: true }))

const operator: Principal = { id: 'cli:test', surface: 'library', scopes: new Set(['lookup', 'pii']), subject: 'all' }

interface Hit {
  column: string
  value: string
  rows: number
}

/** Every text, jsonb, json, varchar, uuid and array column of every table, searched for each value (case-insensitive). */
async function traces(db: Kysely<DB>, values: string[]): Promise<Hit[]> {
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'jsonb', 'json', 'character varying', 'ARRAY', 'uuid')`.execute(db)
  const hits: Hit[] = []
  for (const { table_name: table, column_name: column } of columns) {
    for (const value of values) {
      const like = `%${value.replace(/[\\%_]/g, '\\$&')}%`
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)}::text ilike ${like}`.execute(db)
      if (rows[0]!.n > 0) hits.push({ column: `${table}.${column}`, value, rows: rows[0]!.n })
    }
  }
  return hits
}

const traceValues = (trace: PersonTrace) => [...trace.identifiers, ...trace.names, ...trace.phones]

/**
 * An external customer found in three systems, who wrote Slack messages and attended meetings, and
 * whose name no other entity has: the one the tests erase (a shared name could not be searched for as
 * a trace).
 */
async function customerToErase(db: Kysely<DB>): Promise<{ entityId: string; email: string; name: string }> {
  const { rows } = await sql<{ entity_id: string; email: string; name: string }>`
    select e.id as entity_id, e.display_name as name,
      (select min(k.value) from entity_members km join resolution_keys k on k.source_record_id = km.source_record_id
       where km.entity_id = e.id and k.kind = 'email' and k.entity_kind = 'person') as email
    from entities e
    join entity_members m on m.entity_id = e.id
    join source_records s on s.id = m.source_record_id
    where e.kind = 'person' and e.redirect_to is null and e.is_internal is not true
      and (select count(*) from entities o where o.display_name = e.display_name) = 1
    group by e.id, e.display_name
    having count(distinct s.system) >= 3
      and bool_or(exists (select 1 from activity_participants p
        where p.system = s.system and p.object_type = s.object_type and p.source_id = s.source_id and p.role = 'author'))
      and bool_or(exists (select 1 from activity_participants p
        where p.system = s.system and p.object_type = s.object_type and p.source_id = s.source_id and p.role = 'attendee'))
    order by e.display_name limit 1`.execute(db)
  expect(rows.length, 'the generated company has such a customer').toBe(1)
  return { entityId: rows[0]!.entity_id, email: rows[0]!.email, name: rows[0]!.name }
}

describe('the erasure plan', () => {
  it('names every text, jsonb and array column of the schema once: scrubbed, by a rule, or a closed vocabulary', async () => {
    const [target] = databaseTargets()
    const store = await target!.create()
    try {
      const { rows } = await sql<{ name: string }>`
        select c.table_name || '.' || c.column_name as name from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = current_schema() and t.table_type = 'BASE TABLE' and c.table_name not like 'kysely_%'
          and c.data_type in ('text', 'jsonb', 'json', 'character varying', 'ARRAY')
        order by 1`.execute(store.db)
      const named = [
        ...SCRUB_PLAN.flatMap((target) => target.columns.map((column) => `${target.table}.${column.name}`)),
        ...RULE_COLUMNS,
        ...CLOSED_COLUMNS,
        // Arrays handled by their own rule: the entity ids an audit row returned; a token's scopes are a closed list.
        'lookup_audit.entity_ids',
        'api_tokens.scopes',
      ]
      expect(new Set(named).size).toBe(named.length)
      expect([...named].sort()).toEqual(rows.map((row) => row.name))
    } finally {
      await store.dispose()
    }
  })
})

describe.each(databaseTargets())('erase on the $name database', (target) => {
  let store: TestDatabase
  let deps: Deps
  let fake: SlackFake
  let person: { entityId: string; email: string; name: string }
  let trace: PersonTrace
  let namesake: { id: string; name: string; records: number }

  /** `reread`: read every record, even of an export identical to the last one imported. */
  const importAll = async (reread = false) => {
    const reports = []
    for (const [system, folder] of Object.entries(EXPORTS) as [keyof typeof EXPORTS, string][]) {
      const path = join(company, folder)
      reports.push(await runImport(deps, { connector: exportConnectors[system], path, reread, openSource: () => openExportSource(path) }))
    }
    await runResolution(deps)
    return reports
  }

  beforeAll(async () => {
    store = await target.create()
    deps = { db: store.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
    await importAll()
    person = await customerToErase(store.db)
    trace = await readPersonTrace(store.db, person.entityId)
    const shared = await sql<{ id: string; name: string; records: number }>`
      select e.id, e.display_name as name, count(*)::int as records from entities e join entity_members m on m.entity_id = e.id
      where e.kind = 'person' and e.display_name in (select display_name from entities where kind = 'person' group by 1 having count(*) > 1)
      group by e.id order by e.display_name, e.id limit 1`.execute(store.db)
    namesake = shared.rows[0]!
    fake = await startSlackFake({ workspace: await loadSlackWorkspace(join(company, 'slack')), tokens: [TOKEN] })
  }, 240_000)
  afterAll(async () => {
    await fake?.close()
    await store?.dispose()
  })

  it('finds the person in many places before the erasure (the scan can see them)', async () => {
    expect(trace.recordIds.length).toBeGreaterThanOrEqual(3)
    expect(trace.names).toContain(person.name)
    const before = await traces(store.db, traceValues(trace))
    const tables = new Set(before.map((hit) => hit.column.split('.')[0]))
    for (const table of ['source_records', 'canonical_records', 'resolution_keys', 'entities', 'activity_participants']) expect(tables).toContain(table)
  })

  it('removes them from every table, with a receipt, and leaves a namesake alone', async () => {
    const receipt = await erasePerson(deps, person.email.toUpperCase())
    await runResolution(deps)
    expect(receipt).toMatchObject({ entityId: person.entityId, records: trace.recordIds.length })
    expect(receipt.deleted.source_records).toBe(trace.recordIds.length)
    expect(receipt.deleted.entities).toBeGreaterThanOrEqual(1)
    expect(receipt.deleted.entity_members).toBeGreaterThanOrEqual(trace.recordIds.length)
    expect(Object.values(receipt.scrubbed).reduce((a, b) => a! + b!, 0)).toBeGreaterThan(0)
    expect(receipt.suppression.record).toBe(trace.recordIds.length)

    expect(await traces(store.db, traceValues(trace))).toEqual([])
    const stored = await store.db.selectFrom('erasures').select('receipt').execute()
    expect(stored).toHaveLength(1)
    expect(JSON.stringify(stored[0]!.receipt)).not.toContain(person.entityId)

    const found = await lookupCustomer(deps, { query: person.email }, operator)
    expect(found.status).toBe('not_found')
    const after = await sql<{ name: string; records: number }>`
      select e.display_name as name, count(*)::int as records from entities e join entity_members m on m.entity_id = e.id
      where e.id = ${namesake.id} group by e.id`.execute(store.db)
    expect(after.rows[0]).toEqual({ name: namesake.name, records: namesake.records })
  })

  it('a re-import of the same exports, skipped as unchanged or read record by record, re-creates nothing', async () => {
    const skipped = await importAll()
    for (const report of skipped) expect(report.unchangedSince).toBeDefined()
    expect(await traces(store.db, traceValues(trace))).toEqual([])
    const reports = await importAll(true)
    const suppressed = reports.reduce((sum, report) => sum + report.records.suppressed, 0)
    expect(suppressed).toBeGreaterThanOrEqual(trace.recordIds.length - 1)
    for (const report of reports) expect(report.records).toMatchObject({ new: 0, changed: 0 })
    expect(await traces(store.db, traceValues(trace))).toEqual([])
  })

  it('a sync of the Slack API into a new connection lands the workspace without them: their user dropped, their id scrubbed from messages and channels', async () => {
    const text = `connections:\n  erase-slack:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n    pageSize: 50\n`
    const connection = parseConnectionsFile(text, 'customer-graph.yaml', { SLACK_TOKEN: TOKEN }, catalogOf()).connections['erase-slack']!
    const report = await runSync(deps, { connection, sleep: () => Promise.resolve() })
    expect(report.status).toBe('succeeded')
    expect(report.records.suppressed).toBeGreaterThanOrEqual(1)
    expect(report.records.new).toBeGreaterThan(100)
    await runResolution(deps)
    expect(await traces(store.db, traceValues(trace))).toEqual([])
    expect(JSON.stringify(report)).not.toContain(TOKEN)
  })

  it('refuses what is not a person, and an email nobody has, with a code naming the parameter', async () => {
    const organization = await store.db.selectFrom('entities').select('id').where('kind', '=', 'organization').where('redirect_to', 'is', null).executeTakeFirstOrThrow()
    await expect(erasePerson(deps, organization.id)).rejects.toMatchObject({ code: 'E_USAGE', location: { parameter: 'subject' } })
    await expect(erasePerson(deps, person.email)).rejects.toMatchObject({ code: 'E_NOT_FOUND', location: { parameter: 'subject' } })
    expect(await store.db.selectFrom('erasures').select('id').execute()).toHaveLength(1)
  })
})

describe.each(databaseTargets())('the erase command on the $name database', (target) => {
  it('prints the receipt as JSON, refuses to run beside an import (server), and the next import drops the person', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'cg-erase-cli-'))
    const database = await cliDatabase(target)
    try {
      const run = (args: string[]) => runCliProcess(args, { cwd, env: database.env, timeoutMs: 120_000 })
      const imported = await run(['import', 'salesforce', join(company, 'salesforce'), '--json'])
      expect(imported.code, imported.stderr).toBe(0)
      const email = await firstContactEmail(join(company, 'salesforce'))
      if (target.name === 'server') {
        // An import of the connection holds its lock: erasure does not run beside it.
        const holder = new pg.Client({ connectionString: database.env.DATABASE_URL })
        await holder.connect()
        try {
          await holder.query(`select pg_advisory_lock(hashtext('customer-graph:run:salesforce-export'))`)
          const refused = await run(['erase', email])
          expect(refused.code).toBe(1)
          expect(refused.stderr).toContain('E_ALREADY_RUNNING')
        } finally {
          await holder.end()
        }
      }
      const erased = await run(['erase', email, '--json'])
      expect(erased.code, erased.stderr).toBe(0)
      const { receipt } = JSON.parse(erased.stdout) as { receipt: { records: number; deleted: Record<string, number> } }
      expect(receipt.records).toBeGreaterThanOrEqual(1)
      expect(receipt.deleted.source_records).toBe(receipt.records)
      const again = await run(['erase', email])
      expect(again.code).toBe(1)
      expect(again.stderr).toContain('E_NOT_FOUND')
      const reimported = await run(['import', 'salesforce', join(company, 'salesforce'), '--reread'])
      expect(reimported.stdout).toMatch(/suppressed \d+ \(erased people\)/)
    } finally {
      await database.drop()
      await rm(cwd, { recursive: true, force: true })
    }
  }, 180_000)
})

async function firstContactEmail(folder: string): Promise<string> {
  const csv = (await readFile(join(folder, 'Contact.csv'), 'utf8')).split('\n')
  const header = csv[0]!.split(',').map((cell) => cell.replaceAll('"', ''))
  const emailAt = header.indexOf('Email')
  for (const line of csv.slice(1)) {
    const cells = line.match(/"([^"]*)"/g)?.map((cell) => cell.slice(1, -1)) ?? []
    if (cells[emailAt]?.includes('@')) return cells[emailAt]
  }
  throw new Error('no contact with an email')
}
