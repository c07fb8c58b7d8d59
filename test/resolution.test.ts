import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { exportConnectors } from '../src/connectors/registry.ts'
import type { Deps } from '../src/deps.ts'
import { inferredOrganizationTruth, parseOrganizationKeys } from '../src/eval/inferred-truth.ts'
import { evaluatePartition } from '../src/eval/metrics.ts'
import { openExportSource } from '../src/formats/export-source.ts'
import { generateCompany } from '../src/generate/generate-company.ts'
import { createLogger } from '../src/logger.ts'
import { runImport } from '../src/pipeline/run-import.ts'
import { exportIdentities } from '../src/resolve/export-identities.ts'
import { explain, formatExplanation } from '../src/resolve/explain.ts'
import { findSubject } from '../src/resolve/find-subject.ts'
import { recordOverride } from '../src/resolve/overrides.ts'
import { runResolution } from '../src/resolve/run-resolution.ts'
import type { BuiltInSystem } from '../src/schema/database.ts'
import { databaseTargets, truncateAll, type TestDatabase } from './support/test-databases.ts'

let dir: string
const exportOf: Record<BuiltInSystem, string> = { salesforce: '', slack: '', workday: '', google: '' }

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-resolution-'))
  await generateCompany({ dir: join(dir, 'company'), people: 300, seed: 20261122 })
  exportOf.salesforce = join(dir, 'company', 'salesforce')
  exportOf.slack = join(dir, 'company', 'slack-export.zip')
  exportOf.workday = join(dir, 'company', 'workday')
  exportOf.google = join(dir, 'company', 'google')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Ground truth of the generated company: `system|objectType|sourceId` → true entity. */
async function groundTruth(file: 'people' | 'organizations'): Promise<Map<string, string>> {
  const lines = (await readFile(join(dir, 'company', 'ground-truth', `${file}.csv`), 'utf8')).trim().split('\n').slice(1)
  return new Map(
    lines.map((line) => {
      const [entity, system, objectType, ...sourceId] = line.split(',')
      return [`${system}|${objectType}|${sourceId.join(',')}`, entity!]
    }),
  )
}

describe.each(databaseTargets())('identity resolution on the $name database', (target) => {
  let store: TestDatabase
  let deps: Deps

  beforeAll(async () => {
    store = await target.create()
  })
  beforeEach(async () => {
    await truncateAll(store.db)
    deps = { db: store.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
  })
  afterAll(() => store?.dispose())

  const importSystem = (system: BuiltInSystem, path = exportOf[system]) =>
    runImport(deps, { connector: exportConnectors[system], path, openSource: () => openExportSource(path) })

  /** The resolved partition: `system|objectType|sourceId` → entity id, for one entity kind. */
  async function partition(kind: 'person' | 'organization'): Promise<Map<string, string>> {
    let csv = ''
    for await (const chunk of exportIdentities(store.db, [kind])) csv += chunk
    const rows = csv.trim().split('\n').slice(1)
    return new Map(
      rows.map((row) => {
        const [entity, , system, objectType, ...sourceId] = row.split(',')
        return [`${system}|${objectType}|${sourceId.join(',')}`, entity!]
      }),
    )
  }

  /** The partition without its ids: each entity's records, sorted, so two runs compare as sets. */
  const shape = (assignment: Map<string, string>): string[] => {
    const byEntity = new Map<string, string[]>()
    for (const [record, entity] of assignment) byEntity.set(entity, [...(byEntity.get(entity) ?? []), record])
    return [...byEntity.values()].map((records) => records.sort().join(' ')).sort()
  }

  it('resolves the generated company as its ground truth says, with precision first', { timeout: 120_000 }, async () => {
    for (const system of ['workday', 'google', 'salesforce', 'slack'] as const) await importSystem(system)
    const report = await runResolution(deps)
    expect(report.person.entities.created).toBeGreaterThan(0)
    // Names went into the trigram index's pending list, and the pass merged it before committing:
    // a fuzzy lookup never scans it linearly after a pass.
    const { rows: index } = await sql<{ options: string[]; left: number }>`
      select c.reloptions as options, gin_clean_pending_list(c.oid) as left from pg_class c
      where c.oid = 'entities_display_name_trgm_idx'::regclass`.execute(store.db)
    expect(index[0]).toEqual({ options: ['fastupdate=on'], left: 0 })

    const people = evaluatePartition(await groundTruth('people'), await partition('person'))
    expect(people.pairwise.precision).toBeGreaterThanOrEqual(0.995)
    expect(people.pairwise.f1).toBeGreaterThanOrEqual(0.97)
    // The organisations inferred from work domains and Slack Connect teams count too: each is the
    // company its domain or team belongs to (ground-truth/organization-keys.csv).
    const predictedOrganizations = await partition('organization')
    const organizationTruth = await groundTruth('organizations')
    const keys = parseOrganizationKeys(await readFile(join(dir, 'company', 'ground-truth', 'organization-keys.csv'), 'utf8'))
    const inferred = inferredOrganizationTruth(predictedOrganizations.keys(), keys)
    expect([...inferred.keys()].some((record) => record.includes('|email_domain|'))).toBe(true)
    expect([...inferred.keys()].some((record) => record.includes('|team|'))).toBe(true)
    expect([...inferred.values()].filter((entity) => entity.startsWith('unknown:'))).toEqual([])
    for (const [record, entity] of inferred) organizationTruth.set(record, entity)
    const organizations = evaluatePartition(organizationTruth, predictedOrganizations)
    expect(organizations.pairwise.precision).toBeGreaterThanOrEqual(0.99)
    expect(organizations.pairwise.recall).toBeGreaterThanOrEqual(0.98)

    // Every rule that formed a cluster left its evidence: an email link names the shared address.
    const { rows } = await sql<{ evidence: { key?: { kind: string; value: string }; linkedTo?: string } }>`
      select evidence from entity_members where rule = 'email' limit 1`.execute(store.db)
    expect(rows[0]?.evidence.key?.kind).toBe('email')
    expect(rows[0]?.evidence.key?.value).toContain('@')
    expect(rows[0]?.evidence.linkedTo).toMatch(/^[a-z]+:[A-Za-z_]+:/)
  })

  it('ends with the same partition and edges whatever the import order, resolving after every import', { timeout: 240_000 }, async () => {
    // Beside the company, one address held by a Google user and a Workday worker with different
    // employee ids (so only one of them may have it) and by a Slack user: which one the Slack user
    // joins must not depend on which system came first.
    const extra = join(dir, 'order-extra')
    await mkdir(join(extra, 'google'), { recursive: true })
    await mkdir(join(extra, 'workday'), { recursive: true })
    await mkdir(join(extra, 'slack'), { recursive: true })
    await writeFile(join(extra, 'google', 'users.csv'), 'First Name [Required],Last Name [Required],Email Address [Required],Employee ID\nPat,Doe,pat.doe@orderco.com,X1\n')
    await writeFile(join(extra, 'workday', 'workers.json'), JSON.stringify({ Report_Entry: [{ Employee_ID: 'X2', Worker: 'Pat Doe', 'Email_-_Work': 'pat.doe@orderco.com' }] }))
    await writeFile(join(extra, 'slack', 'users.json'), JSON.stringify([{ id: 'U0PATDOE', team_id: 'T0ORDER', name: 'pat', profile: { real_name: 'Pat Doe', email: 'pat.doe@orderco.com' } }]))
    const importExtra = (system: 'google' | 'workday' | 'slack') => {
      const path = join(extra, system)
      return runImport(deps, { connector: exportConnectors[system], path, connectionId: `${system}-extra`, openSource: () => openExportSource(path) })
    }

    const orders: BuiltInSystem[][] = [
      ['salesforce', 'slack', 'workday', 'google'],
      ['google', 'workday', 'slack', 'salesforce'],
      ['workday', 'slack', 'google', 'salesforce'],
    ]
    const shapes: string[][][] = []
    for (const order of orders) {
      await truncateAll(store.db)
      for (const system of order) {
        await importSystem(system)
        await runResolution(deps)
        if (system !== 'salesforce') {
          await importExtra(system)
          await runResolution(deps)
        }
      }
      // The edges too: every pass rebuilt only those of the entities it changed.
      shapes.push([shape(await partition('person')), shape(await partition('organization')), await edgeShapes()])
    }
    expect(shapes[1]).toEqual(shapes[0])
    expect(shapes[2]).toEqual(shapes[0])
    // The guard held: the Google user and the Workday worker stayed apart, and the refusal is on record.
    const people = await partition('person')
    expect(people.get('google|user|pat.doe@orderco.com')).not.toBe(people.get('workday|worker|X2'))
    const { rows } = await sql<{ reason: string }>`select reason from merge_refusals where rule = 'email' and details->'key'->>'value' = 'pat.doe@orderco.com'`.execute(store.db)
    expect(rows.map((row) => row.reason)).toContain('exclusive_conflict')
  })

  it('keeps entity ids across runs, re-resolves only what changed, and lets a deleted record go', { timeout: 120_000 }, async () => {
    for (const system of ['workday', 'google', 'salesforce'] as const) await importSystem(system)
    await runResolution(deps)
    const before = await partition('person')

    // A re-import of the same files queues nothing.
    await importSystem('workday')
    const idle = await runResolution(deps)
    expect(idle.queued).toBe(0)
    expect(idle.person.scope).toBe(0)

    // Everything queued again: the same entities keep the same ids.
    await sql`insert into resolution_pending (source_record_id) select id from source_records`.execute(store.db)
    const again = await runResolution(deps)
    expect(again.person.entities.created).toBe(0)
    expect(await partition('person')).toEqual(before)

    // A newer complete Workday report without one worker: only that worker's entity is looked at.
    const report = JSON.parse(await readFile(join(exportOf.workday, 'workers.json'), 'utf8')) as { Report_Entry: { Employee_ID: string }[] }
    const [gone, ...kept] = report.Report_Entry
    const newer = join(dir, 'workday-newer')
    await mkdir(newer, { recursive: true })
    await writeFile(join(newer, 'workers.json'), JSON.stringify({ Report_Entry: kept }))
    const imported = await importSystem('workday', newer)
    expect(imported.records.deleted).toBe(1)
    const incremental = await runResolution(deps)
    expect(incremental.queued).toBe(1)
    expect(incremental.person.scope).toBeLessThan(10)
    const after = await partition('person')
    const goneKey = `workday|worker|${gone!.Employee_ID}`
    expect(before.has(goneKey)).toBe(true)
    expect(after.has(goneKey)).toBe(false)
    // Everyone else is where they were, under the same ids.
    for (const [record, entity] of after) expect(entity).toBe(before.get(record))
  })

  it('re-resolves a changed record only when what resolution reads of it changed', { timeout: 120_000 }, async () => {
    for (const system of ['workday', 'google', 'salesforce'] as const) await importSystem(system)
    await runResolution(deps)
    const before = await partition('person')
    const entities = async () => (await sql<{ id: string; display_name: string | null }>`select id, display_name from entities order by id`.execute(store.db)).rows

    // A later export where two contacts have a new title and modstamp: their edges are rebuilt, and
    // not one record is re-resolved.
    const contacts: string[][] = parse(await readFile(join(exportOf.salesforce, 'Contact.csv'), 'utf8'), { bom: true })
    const header = contacts[0]!
    const column = (name: string) => header.indexOf(name)
    const [titled, renamed] = [contacts[1]!, contacts[2]!]
    const entitiesBefore = await entities()
    const retitled = contacts.map((row, index) => (index === 1 || index === 2 ? row.map((cell, at) => (at === column('Title') ? `${cell} (new)` : at === column('SystemModstamp') ? '2030-01-01T00:00:00.000Z' : cell)) : row))
    const titles = await writeSalesforce('salesforce-retitled', retitled)
    expect((await importSystem('salesforce', titles)).records.changed).toBe(2)
    const onlyTitles = await runResolution(deps)
    expect(onlyTitles.queued).toBe(2)
    expect(onlyTitles.identityUnchanged).toBe(2)
    expect(onlyTitles.person.scope).toBe(0)
    expect(onlyTitles.organization.scope).toBe(0)
    expect(await partition('person')).toEqual(before)
    expect(await entities()).toEqual(entitiesBefore)
    const { rows: titleRows } = await sql<{ title: string }>`
      select c.data->>'title' as title from canonical_records c join source_records s on s.id = c.source_record_id
      where s.source_id = ${titled[column('Id')]!} and c.kind = 'person'`.execute(store.db)
    expect(titleRows[0]!.title).toMatch(/\(new\)$/)

    // One of them renamed as well: it is re-resolved, and its entity shows the new name.
    const withName = retitled.map((row, index) =>
      index === 2 ? row.map((cell, at) => (at === column('FirstName') ? 'Zebedee' : at === column('Name') ? `Zebedee ${row[column('LastName')]}` : cell)) : row,
    )
    await importSystem('salesforce', await writeSalesforce('salesforce-renamed', withName))
    const onlyName = await runResolution(deps)
    expect(onlyName.queued).toBe(1)
    expect(onlyName.identityUnchanged).toBe(0)
    expect(onlyName.person.scope).toBeGreaterThan(0)
    const { rows: shown } = await sql<{ display_name: string }>`
      select e.display_name from entity_members m join entities e on e.id = m.entity_id join source_records s on s.id = m.source_record_id
      where s.source_id = ${renamed[column('Id')]!} and m.entity_kind = 'person'`.execute(store.db)
    expect(shown[0]!.display_name).toContain('Zebedee')

    // Deleted, then back exactly as it was: the record is resolved into an entity again.
    const withoutIt = withName.filter((_, index) => index !== 1)
    await importSystem('salesforce', await writeSalesforce('salesforce-without', withoutIt))
    await runResolution(deps)
    const key = `salesforce|Contact|${titled[column('Id')]!}`
    expect((await partition('person')).has(key)).toBe(false)
    await importSystem('salesforce', await writeSalesforce('salesforce-back', withName))
    const back = await runResolution(deps)
    expect(back.identityUnchanged).toBe(0)
    expect((await partition('person')).get(key)).toBe(before.get(key))
  })

  it('closes a large scope from every record’s components: the same scope and entities as growing it round by round', { timeout: 120_000 }, async () => {
    const contacts: string[][] = parse(await readFile(join(exportOf.salesforce, 'Contact.csv'), 'utf8'), { bom: true })
    const email = contacts[0]!.indexOf('Email')
    const changed = contacts.map((row, index) => (index > 0 && index % 10 === 0 && row[email] ? row.map((cell, at) => (at === email ? `new.${cell}` : cell)) : row))
    const newEmails = await writeSalesforce('salesforce-new-emails', changed)
    // The same history twice, the last pass closing its scope one way, then the other.
    const incremental = async (wholeScopeAbove: number) => {
      await truncateAll(store.db)
      for (const system of ['workday', 'google', 'salesforce'] as const) await importSystem(system)
      await runResolution(deps)
      await importSystem('salesforce', newEmails)
      const report = await runResolution(deps, { wholeScopeAbove })
      return { report, shape: shape(await partition('person')), edges: await edgeShapes() }
    }
    const whole = await incremental(0)
    const grown = await incremental(Number.MAX_SAFE_INTEGER)
    const { rows: people } = await sql<{ n: number }>`select count(distinct source_record_id)::int as n from resolution_keys where entity_kind = 'person'`.execute(store.db)
    expect(whole.report.person.scope).toBeGreaterThan(whole.report.queued)
    expect(whole.report.person.scope).toBeLessThan(people[0]!.n)
    expect(whole.report.person.scope).toBe(grown.report.person.scope)
    expect(whole.shape).toEqual(grown.shape)
    expect(whole.edges).toEqual(grown.edges)
    // And both are what one pass over the same exports gives: the same entities and the same edges,
    // though the incremental pass rebuilt only the edges of the entities it changed.
    await truncateAll(store.db)
    for (const system of ['workday', 'google'] as const) await importSystem(system)
    await importSystem('salesforce', newEmails)
    await runResolution(deps)
    expect(shape(await partition('person'))).toEqual(whole.shape)
    expect(await edgeShapes()).toEqual(whole.edges)
  })

  it('rebuilds the edges of an entity whose side a changed record turned, though none of its records moved', { timeout: 60_000 }, async () => {
    // A Google contact and a Slack Connect user share an address: one external person, who works at
    // the organisation of the address's domain. Then the Slack user turns out to be one of ours.
    const side = join(dir, 'side-turn')
    for (const folder of ['google', 'slack-external', 'slack-ours']) await mkdir(join(side, folder), { recursive: true })
    await writeFile(join(side, 'google', 'contacts.csv'), 'First Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value\nPat,Doe,* myContacts,* Work,pat.doe@acmewidgets.com\n')
    const slackUser = { id: 'U0PATDOE', team_id: 'T0ACME', name: 'pat', profile: { real_name: 'Pat Doe', email: 'pat.doe@acmewidgets.com' } }
    await writeFile(join(side, 'slack-external', 'users.json'), JSON.stringify([{ ...slackUser, is_external: true }]))
    await writeFile(join(side, 'slack-ours', 'users.json'), JSON.stringify([slackUser]))
    const load = (system: 'google' | 'slack', folder: string) => {
      const path = join(side, folder)
      return runImport(deps, { connector: exportConnectors[system], path, connectionId: `${system}-side`, openSource: () => openExportSource(path) })
    }
    const worksAt = async () => (await edgeShapes()).filter((edge) => edge.startsWith('works_at google:contact:'))

    await load('google', 'google')
    await load('slack', 'slack-external')
    await runResolution(deps)
    expect(await worksAt()).toHaveLength(1)
    await load('slack', 'slack-ours')
    const turned = await runResolution(deps)
    expect(turned.person.entities.created).toBe(0)
    // Ours now: the contact's inferred works_at is gone, as one pass over the same exports gives.
    expect(await worksAt()).toEqual([])
    const incremental = await edgeShapes()
    await truncateAll(store.db)
    await load('google', 'google')
    await load('slack', 'slack-ours')
    await runResolution(deps)
    expect(incremental).toEqual(await edgeShapes())
  })

  /** Every edge as its kind, stating record and the records of its two entities, sorted: comparable across stores. */
  async function edgeShapes(): Promise<string[]> {
    const members = (entity: string) => sql<string>`(select string_agg(x.system || ':' || x.object_type || ':' || x.source_id, ' ' order by x.system, x.object_type, x.source_id)
      from entity_members m join source_records x on x.id = m.source_record_id where m.entity_id = ${sql.ref(entity)})`
    const { rows } = await sql<{ edge: string }>`
      select e.kind || ' ' || s.system || ':' || s.object_type || ':' || s.source_id || ' [' || ${members('e.from_entity_id')} || '] -> [' || ${members('e.to_entity_id')} || ']' as edge
      from edges e join source_records s on s.id = e.source_record_id`.execute(store.db)
    return rows.map((row) => row.edge).sort()
  }

  /** A copy of the Salesforce export with these Contact rows. */
  async function writeSalesforce(name: string, contactRows: string[][]): Promise<string> {
    const to = join(dir, name)
    await mkdir(to, { recursive: true })
    for (const file of await readdir(exportOf.salesforce)) if (file !== 'Contact.csv') await copyFile(join(exportOf.salesforce, file), join(to, file))
    await writeFile(join(to, 'Contact.csv'), stringify(contactRows, { quoted: true }))
    return to
  }

  it('keys records as they land; a pass keys whatever landed without keys, and --rekey recomputes them all', { timeout: 120_000 }, async () => {
    for (const system of ['workday', 'google'] as const) await importSystem(system)
    const keyCount = async () => (await sql<{ n: number }>`select count(*)::int as n from resolution_keys`.execute(store.db)).rows[0]!.n
    const landed = await keyCount()
    expect(landed).toBeGreaterThan(0)
    const first = await runResolution(deps)
    expect(await keyCount()).toBe(landed)
    const before = await partition('person')
    const { rows: people } = await sql<{ n: number }>`select count(distinct source_record_id)::int as n from resolution_keys where entity_kind = 'person'`.execute(store.db)
    expect(first.person.scope).toBe(people[0]!.n)

    // Keys lost (a database that landed records before imports keyed them): the pass keys them again.
    await sql`delete from resolution_keys`.execute(store.db)
    await sql`insert into resolution_pending (source_record_id) select id from source_records`.execute(store.db)
    await runResolution(deps)
    expect(await keyCount()).toBe(landed)
    expect(await partition('person')).toEqual(before)

    // --rekey: nothing queued, every person and organisation record re-keyed and resolved again.
    const rekeyed = await runResolution(deps, { rekey: true })
    expect(rekeyed.queued).toBe(0)
    expect(rekeyed.person.scope).toBe(people[0]!.n)
    expect(rekeyed.person.entities.created).toBe(0)
    expect(await keyCount()).toBe(landed)
    expect(await partition('person')).toEqual(before)
  })

  it('builds the graph: who works where, owns which account, reports to whom, sits in which channel', { timeout: 120_000 }, async () => {
    for (const system of ['workday', 'google', 'salesforce', 'slack'] as const) await importSystem(system)
    const report = await runResolution(deps)
    expect(report.graph.conversations.created).toBeGreaterThan(0)
    const entityOf = async (ref: string) => {
      const [system, objectType, ...sourceId] = ref.split(':')
      const { rows } = await sql<{ entity_id: string }>`select m.entity_id from entity_members m join source_records s on s.id = m.source_record_id
        where s.system = ${system} and s.object_type = ${objectType} and s.source_id = ${sourceId.join(':')}`.execute(store.db)
      return rows[0]?.entity_id
    }
    const edge = async (kind: string, from: string, to: string) => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from edges where kind = ${kind} and from_entity_id = ${(await entityOf(from)) ?? null}::uuid and to_entity_id = ${(await entityOf(to)) ?? null}::uuid`.execute(store.db)
      return rows[0]?.n ?? 0
    }

    // Every kind of relationship, each checked against the records that state it.
    const workday = JSON.parse(await readFile(join(exportOf.workday, 'workers.json'), 'utf8')) as {
      Report_Entry: { Employee_ID: string; Worker_s_Manager_group?: { Manager_ID: string }[] }[]
    }
    const managed = workday.Report_Entry.find((worker) => worker.Worker_s_Manager_group !== undefined)
    const managerId = managed?.Worker_s_Manager_group?.[0]?.Manager_ID
    expect(managerId).toBeDefined()
    expect(await edge('reports_to', `workday:worker:${managed!.Employee_ID}`, `workday:worker:${managerId}`)).toBe(1)

    const contacts = (await readFile(join(exportOf.salesforce, 'Contact.csv'), 'utf8')).split('\n')[1]!.split('","').map((cell) => cell.replaceAll('"', ''))
    const [contactId, , , accountId] = contacts
    expect(await edge('works_at', `salesforce:Contact:${contactId}`, `salesforce:Account:${accountId}`)).toBeGreaterThanOrEqual(1)

    const { rows: members } = await sql<{ channel: string; user: string }>`select payload->>'channel' as channel, payload->>'user' as "user"
      from source_records where system = 'slack' and object_type = 'channel_member' order by source_id limit 1`.execute(store.db)
    expect(await edge('member_of', `slack:user:${members[0]!.user}`, `slack:channel:${members[0]!.channel}`)).toBe(1)

    const { rows: owned } = await sql<{ n: number }>`select count(*)::int as n from edges e join entities o on o.id = e.to_entity_id
      join entities p on p.id = e.from_entity_id where e.kind = 'owns' and o.kind = 'organization' and p.is_internal`.execute(store.db)
    expect(owned[0]?.n).toBeGreaterThan(0)
    const { rows: byDomain } = await sql<{ n: number }>`select count(*)::int as n from edges where kind = 'works_at' and attributes->>'via' = 'email_domain'`.execute(store.db)
    expect(byDomain[0]?.n).toBeGreaterThan(0)

    // A full re-run rebuilds the same edges, never doubles them.
    const count = async () => (await sql<{ n: number }>`select count(*)::int as n from edges`.execute(store.db)).rows[0]?.n
    const before = await count()
    await sql`insert into resolution_pending (source_record_id) select id from source_records`.execute(store.db)
    await runResolution(deps)
    expect(await count()).toBe(before)
  })

  it('fills an empty edges table in bulk with its indexes built after: the same edges, the same indexes', { timeout: 120_000 }, async () => {
    const indexes = async () => {
      const { rows } = await sql<{ oid: number; definition: string }>`select i.indexrelid::int as oid, pg_get_indexdef(i.indexrelid) as definition
        from pg_index i where i.indrelid = 'edges'::regclass order by 2`.execute(store.db)
      return { oids: rows.map((row) => row.oid).sort(), definitions: rows.map((row) => row.definition) }
    }
    const { rows: constraints } = await sql<{ definition: string }>`select conname || ' ' || pg_get_constraintdef(oid) as definition
      from pg_constraint where conrelid = 'edges'::regclass order by 1`.execute(store.db)
    const before = await indexes()
    const firstPass = async (bulkGraphFrom: number) => {
      await truncateAll(store.db)
      for (const system of ['workday', 'google', 'salesforce', 'slack'] as const) await importSystem(system)
      const report = await runResolution(deps, { bulkGraphFrom })
      return { report, edges: await edgeShapes() }
    }
    const rowByRow = await firstPass(Number.MAX_SAFE_INTEGER)
    expect((await indexes()).oids).toEqual(before.oids)
    const bulk = await firstPass(1)
    // Rebuilt (new index ids), as they were defined, and what they hold is what row-by-row gives.
    const after = await indexes()
    expect(after.definitions).toEqual(before.definitions)
    expect(after.oids.filter((oid) => before.oids.includes(oid))).toHaveLength(1)
    const { rows: constraintsAfter } = await sql<{ definition: string }>`select conname || ' ' || pg_get_constraintdef(oid) as definition
      from pg_constraint where conrelid = 'edges'::regclass order by 1`.execute(store.db)
    expect(constraintsAfter).toEqual(constraints)
    expect(bulk.edges).toEqual(rowByRow.edges)
    expect(bulk.report.graph.edges).toEqual(rowByRow.report.graph.edges)
    expect(Object.keys(bulk.report.graph.edges).sort()).toEqual(['converted_to', 'member_of', 'owns', 'reports_to', 'works_at'])
    // A table that still holds edges keeps its indexes: the next pass writes into them.
    await sql`insert into resolution_pending (source_record_id) select id from source_records where system = 'workday' order by id limit 1`.execute(store.db)
    await runResolution(deps, { bulkGraphFrom: 1 })
    expect((await indexes()).oids).toEqual(after.oids)
    expect(await edgeShapes()).toEqual(rowByRow.edges)
  })

  it('resolves the same whether batches are read inside the pass or, on a server, on another connection, from the store or staged', { timeout: 120_000 }, async () => {
    const importAll = async () => {
      for (const system of ['workday', 'google', 'salesforce', 'slack'] as const) await importSystem(system)
    }
    const edgeCounts = async () => (await sql<{ kind: string; n: number }>`select kind, count(*)::int as n from edges group by kind order by kind`.execute(store.db)).rows
    await importAll()
    const inside = await runResolution(deps)
    const people = shape(await partition('person'))
    const organizations = shape(await partition('organization'))
    const edges = await edgeCounts()

    expect(inside.stagedReads).toBe(false)
    const concurrentReads = target.name === 'server'
    // Read from the store on other connections, then from the records staged by one (see stageFrom).
    for (const stageFrom of [Number.MAX_SAFE_INTEGER, 0]) {
      await truncateAll(store.db)
      await importAll()
      const outside = await runResolution(deps, { concurrentReads, stageFrom })
      expect(outside.stagedReads).toBe(concurrentReads && stageFrom === 0)
      expect(outside.person.entities).toEqual(inside.person.entities)
      expect(outside.person.rules).toEqual(inside.person.rules)
      expect(shape(await partition('person'))).toEqual(people)
      expect(shape(await partition('organization'))).toEqual(organizations)
      expect(await edgeCounts()).toEqual(edges)
    }

    // A full re-run reading outside the pass sees every record's previous entity: ids stay.
    const ids = await partition('person')
    await sql`insert into resolution_pending (source_record_id) select id from source_records`.execute(store.db)
    const again = await runResolution(deps, { concurrentReads, stageFrom: 0 })
    expect(again.person.entities.created).toBe(0)
    expect(await partition('person')).toEqual(ids)
  })

  /** Members and edges that name an entity or a record that does not exist (they carry no foreign keys). */
  async function orphans(): Promise<Record<string, number>> {
    const { rows } = await sql<{ members: number; edges: number }>`select
      (select count(*) from entity_members m where not exists (select 1 from entities e where e.id = m.entity_id)
        or not exists (select 1 from source_records s where s.id = m.source_record_id))::int as members,
      (select count(*) from edges g where not exists (select 1 from entities e where e.id = g.from_entity_id)
        or not exists (select 1 from entities e where e.id = g.to_entity_id)
        or (g.source_record_id is not null and not exists (select 1 from source_records s where s.id = g.source_record_id)))::int as edges`.execute(store.db)
    return { ...rows[0]! }
  }

  it('removes an entity whose records are all gone, with every member and edge that named it', { timeout: 120_000 }, async () => {
    await importSystem('workday')
    await runResolution(deps)
    expect(await orphans()).toEqual({ members: 0, edges: 0 })

    // A manager leaves: a newer complete report without them. Their person entity (Workday only
    // here) goes, and so do the reports_to edges of their reports.
    const report = JSON.parse(await readFile(join(exportOf.workday, 'workers.json'), 'utf8')) as {
      Report_Entry: { Employee_ID: string; Worker_s_Manager_group?: { Manager_ID: string }[] }[]
    }
    const managerId = report.Report_Entry.find((worker) => worker.Worker_s_Manager_group !== undefined)!.Worker_s_Manager_group![0]!.Manager_ID
    const managerEntity = async () => (await sql<{ entity_id: string }>`select m.entity_id from entity_members m join source_records s on s.id = m.source_record_id
      where s.system = 'workday' and s.object_type = 'worker' and s.source_id = ${managerId}`.execute(store.db)).rows[0]?.entity_id
    const removed = await managerEntity()
    expect(removed).toBeDefined()
    const newer = join(dir, 'workday-without-manager')
    await mkdir(newer, { recursive: true })
    await writeFile(join(newer, 'workers.json'), JSON.stringify({ Report_Entry: report.Report_Entry.filter((worker) => worker.Employee_ID !== managerId) }))
    expect((await importSystem('workday', newer)).records.deleted).toBe(1)
    const reportsTo = async () => (await sql<{ n: number }>`select count(*)::int as n from edges where kind = 'reports_to' and to_entity_id = ${removed!}::uuid`.execute(store.db)).rows[0]?.n
    expect(await reportsTo()).toBeGreaterThan(0)
    expect((await runResolution(deps)).person.entities.removed).toBe(1)
    expect(await managerEntity()).toBeUndefined()
    expect(await reportsTo()).toBe(0)
    expect(await orphans()).toEqual({ members: 0, edges: 0 })

    // A Slack channel is deleted: its conversation entity goes with its member_of edges.
    await importSystem('slack')
    await runResolution(deps)
    const { rows: channels } = await sql<{ id: number; entity_id: string }>`select s.id, m.entity_id from source_records s
      join entity_members m on m.source_record_id = s.id and m.entity_kind = 'conversation'
      where s.system = 'slack' and s.object_type = 'channel'
        and exists (select 1 from edges e where e.to_entity_id = m.entity_id and e.kind = 'member_of')
      order by s.source_id limit 1`.execute(store.db)
    const channel = channels[0]!
    await sql`update source_records set deleted_at = now() where id = ${channel.id}`.execute(store.db)
    await sql`insert into resolution_pending (source_record_id) values (${channel.id})`.execute(store.db)

    expect((await runResolution(deps)).graph.conversations.removed).toBe(1)
    const { rows: left } = await sql<{ n: number }>`select count(*)::int as n from entities where id in (${removed!}::uuid, ${channel.entity_id}::uuid)`.execute(store.db)
    expect(left[0]?.n).toBe(0)
    expect(await orphans()).toEqual({ members: 0, edges: 0 })
  })

  describe('organisations from work domains and Slack Connect teams', () => {
    /** Writes a small export folder of one system; `files`: name → content. */
    async function writeExport(name: string, files: Record<string, string>): Promise<string> {
      const folder = join(dir, 'orgs', name)
      for (const [file, content] of Object.entries(files)) {
        await mkdir(join(folder, file, '..'), { recursive: true })
        await writeFile(join(folder, file), content)
      }
      return folder
    }
    const entityOf = async (ref: string): Promise<string | undefined> => (await partition('organization')).get(ref.replaceAll(':', '|')) ?? (await partition('person')).get(ref.replaceAll(':', '|'))
    const worksAt = async (person: string) => {
      const { rows } = await sql<{ to_entity_id: string; via: string | null }>`select e.to_entity_id, e.attributes->>'via' as via from edges e
        where e.kind = 'works_at' and e.from_entity_id = ${(await entityOf(person)) ?? null}::uuid order by 1, 2`.execute(store.db)
      return rows
    }

    it('makes a domain no account has an organisation its people work at, and a free-mail domain none', { timeout: 60_000 }, async () => {
      const folder = await writeExport('prospects', {
        'Lead.csv': 'Id,FirstName,LastName,Company,Email\n00Q5e00000Pro01AAA,Ada,Lovelace,Prospect,ada@prospect.io\n00Q5e00000Pro02AAA,Bob,Babbage,Prospect,BOB@Prospect.io\n00Q5e00000Pro03AAA,Cy,Free,,cy@gmail.com\n',
      })
      const imported = await importSystem('salesforce', folder)
      expect(imported.records).toMatchObject({ read: 4, new: 4, rejected: 0 })
      await runResolution(deps)

      const organizations = await partition('organization')
      expect([...organizations.keys()]).toEqual(['salesforce|email_domain|prospect.io'])
      const org = organizations.get('salesforce|email_domain|prospect.io')!
      const { rows } = await sql<{ display_name: string; is_internal: boolean }>`select display_name, is_internal from entities where id = ${org}::uuid`.execute(store.db)
      expect(rows).toEqual([{ display_name: 'prospect.io', is_internal: false }])
      for (const lead of ['salesforce:Lead:00Q5e00000Pro01AAA', 'salesforce:Lead:00Q5e00000Pro02AAA']) expect(await worksAt(lead)).toEqual([{ to_entity_id: org, via: 'email_domain' }])
      expect(await worksAt('salesforce:Lead:00Q5e00000Pro03AAA')).toEqual([])
      // explain shows the organisation, that it was inferred, and whose address it comes from.
      const text = formatExplanation(await explain(store.db, await findSubject(store.db, 'salesforce:email_domain:prospect.io', 'record')))
      expect(text).toContain(`organization ${org} "prospect.io" (external), 1 record(s)`)
      expect(text).toContain('    salesforce:email_domain:prospect.io (inferred)  seed (first record of the entity)')
      expect(text).toContain('    domain prospect.io  from salesforce:email_domain:prospect.io')
      expect(text).toMatch(/← works_at of person "Ada Lovelace" {2}\(inferred from salesforce:Lead:00Q5e00000Pro01AAA: work email at prospect\.io\)/)

      // The same export again changes nothing; the organisation outlives the leads that named it.
      const again = await importSystem('salesforce', folder)
      expect(again.records).toMatchObject({ read: 4, new: 0, changed: 0, unchanged: 4 })
      await writeFile(join(folder, 'Lead.csv'), 'Id,FirstName,LastName,Company,Email\n00Q5e00000Pro03AAA,Cy,Free,,cy@gmail.com\n')
      const newer = await importSystem('salesforce', folder)
      expect(newer.records.deleted).toBe(0) // two of three is more than the 10% a complete export may delete
      const { rows: live } = await sql<{ n: number }>`select count(*)::int as n from source_records where object_type = 'email_domain' and deleted_at is null`.execute(store.db)
      expect(live[0]?.n).toBe(1)
    })

    it('merges a domain into the account that has it: one organisation, not two, whichever lands first', { timeout: 60_000 }, async () => {
      const google = await writeExport('google-contacts', {
        'contacts.csv': 'Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value\nGrace Hopper,Grace,Hopper,* Work,grace@acme-widgets.com\n',
      })
      const salesforce = await writeExport('acme-account', {
        'Account.csv': 'Id,Name,Website\n0015e00000Acme1AAA,Acme Widgets Inc.,https://www.acme-widgets.com/\n',
        'Contact.csv': 'Id,FirstName,LastName,Email,AccountId\n0035e00000Acme1AAA,Ada,Lovelace,ada@acme-widgets.com,0015e00000Acme1AAA\n',
      })
      await importSystem('google', google)
      await runResolution(deps)
      await importSystem('salesforce', salesforce)
      await runResolution(deps)

      const organizations = await partition('organization')
      expect([...organizations.keys()].sort()).toEqual(['google|email_domain|acme-widgets.com', 'salesforce|Account|0015e00000Acme1AAA', 'salesforce|email_domain|acme-widgets.com'])
      expect(new Set(organizations.values()).size).toBe(1)
      const account = organizations.get('salesforce|Account|0015e00000Acme1AAA')!
      // Grace, known only to Google, works at the account's organisation: her record was not queued
      // again, but the organisation of her domain changed.
      const grace = (await partition('person')).get('google|contact|email:grace@acme-widgets.com')
      expect(grace).toBeDefined()
      const { rows } = await sql<{ to_entity_id: string }>`select to_entity_id from edges where kind = 'works_at' and from_entity_id = ${grace!}::uuid`.execute(store.db)
      expect(rows).toEqual([{ to_entity_id: account }])
      const { rows: named } = await sql<{ display_name: string }>`select display_name from entities where id = ${account}::uuid`.execute(store.db)
      expect(named[0]?.display_name).toBe('Acme Widgets Inc.')
    })

    it('makes a Slack Connect team an organisation that joins its company, by its members’ domain or by its channel’s name', { timeout: 60_000 }, async () => {
      const shared = (id: string, name: string, team: string) => ({ id, name, created: 1700000000, members: ['U0OURS1'], is_shared: true, is_ext_shared: true, shared_team_ids: ['T0OURS', team] })
      const message = (user: string, team: string, profile: Record<string, unknown>) => ({ type: 'message', user, user_team: team, user_profile: { team, ...profile }, text: 'hello', ts: '1700000100.000100' })
      const slack = await writeExport('slack-connect', {
        'users.json': JSON.stringify([{ id: 'U0OURS1', team_id: 'T0OURS', name: 'ada', profile: { real_name: 'Ada Ours', email: 'ada@ours.example.org' } }]),
        'channels.json': JSON.stringify([shared('C0ACME', 'ext-acme-widgets', 'T0ACME'), shared('C0INITRODE', 'ext-initrode', 'T0INITRODE')]),
        'groups.json': '[]',
        'dms.json': '[]',
        'mpims.json': '[]',
        // An Acme person whose profile shows their work address; an Initrode person with none, in a channel named after the company’s domain.
        'ext-acme-widgets/2023-11-14.json': JSON.stringify([message('U0ACME1', 'T0ACME', { real_name: 'Wile Coyote', email: 'wile@acmewidgets.io' })]),
        'ext-initrode/2023-11-14.json': JSON.stringify([message('U0INITRODE1', 'T0INITRODE', { real_name: 'Hank Scorpio' })]),
      })
      const salesforce = await writeExport('connect-accounts', {
        'Account.csv': 'Id,Name,Website\n0015e00000Acme2AAA,Acme Widgets,acmewidgets.io\n0015e00000Intr9AAA,Initrode Global Systems,https://initrode.com\n',
      })
      const imported = await importSystem('slack', slack)
      expect(imported.errors).toEqual([])
      await runResolution(deps)
      await importSystem('salesforce', salesforce)
      await runResolution(deps)

      const organizations = await partition('organization')
      const acme = organizations.get('salesforce|Account|0015e00000Acme2AAA')
      const initrode = organizations.get('salesforce|Account|0015e00000Intr9AAA')
      expect(acme).toBeDefined()
      expect(initrode).not.toBe(acme)
      expect(organizations.get('slack|team|T0ACME')).toBe(acme)
      expect(organizations.get('slack|team_domain|T0ACME:acmewidgets.io')).toBe(acme)
      expect(organizations.get('slack|team|T0INITRODE')).toBe(initrode)
      // Our own workspace is no customer: no team record of it, and our domain is an internal organisation.
      expect(organizations.has('slack|team|T0OURS')).toBe(false)
      const ours = organizations.get('slack|own_domain|example.org')
      expect(ours).toBeDefined()
      const { rows } = await sql<{ is_internal: boolean }>`select is_internal from entities where id = ${ours!}::uuid`.execute(store.db)
      expect(rows[0]?.is_internal).toBe(true)

      expect(await worksAt('slack:user:U0INITRODE1')).toEqual([{ to_entity_id: initrode, via: 'slack_team' }])
      // By team and by domain: one organisation, so one edge.
      expect((await worksAt('slack:user:U0ACME1')).map((edge) => edge.to_entity_id)).toEqual([acme])
      expect(await worksAt('slack:user:U0OURS1')).toEqual([])

      // The team's evidence is on record: the channel that names it.
      const { rows: evidence } = await sql<{ rule: string; features: string }>`select m.rule, m.evidence->'features'::text as features from entity_members m
        join source_records s on s.id = m.source_record_id where s.object_type = 'team' and s.source_id = 'T0INITRODE'`.execute(store.db)
      expect(evidence[0]?.rule).toBe('probabilistic')
      expect(JSON.stringify(evidence[0]?.features)).toContain('slack_channel')

      // Re-importing the same export changes nothing.
      const again = await importSystem('slack', slack)
      expect(again.records).toMatchObject({ new: 0, changed: 0 })
    })
  })

  it('applies link and unlink overrides before the model, and they survive every re-run', { timeout: 120_000 }, async () => {
    for (const system of ['workday', 'salesforce'] as const) await importSystem(system)
    await runResolution(deps)
    const people = await partition('person')
    const workers = [...people.keys()].filter((key) => key.startsWith('workday|worker|')).sort()
    const [a, b] = workers.map((key) => key.replaceAll('|', ':'))
    const subject = (ref: string) => findSubject(store.db, ref, 'record')

    const first = await recordOverride(store.db, { action: 'link', subject: await subject(a!), other: await subject(b!), note: 'same person' })
    // Deciding the same again (either way round) is no new decision.
    const repeated = await recordOverride(store.db, { action: 'link', subject: await subject(b!), other: await subject(a!) })
    expect(repeated.id).toBe(first.id)
    expect((await store.db.selectFrom('match_overrides').select('id').execute()).length).toBe(1)
    await runResolution(deps)
    const linked = await partition('person')
    expect(linked.get(workers[0]!)).toBe(linked.get(workers[1]!))
    const survivor = linked.get(workers[0]!)

    // A full re-run keeps the human decision.
    await sql`insert into resolution_pending (source_record_id) select id from source_records`.execute(store.db)
    await runResolution(deps)
    expect((await partition('person')).get(workers[1]!)).toBe(survivor)

    // A later unlink wins over the link, and also survives; each worker gets its own id back.
    await recordOverride(store.db, { action: 'unlink', subject: await subject(b!) })
    await runResolution(deps)
    await sql`insert into resolution_pending (source_record_id) select id from source_records`.execute(store.db)
    await runResolution(deps)
    const unlinked = await partition('person')
    expect(unlinked.get(workers[0]!)).toBe(people.get(workers[0]!))
    expect(unlinked.get(workers[1]!)).toBe(people.get(workers[1]!))
    expect([people.get(workers[0]!), people.get(workers[1]!)]).toContain(survivor)
    // The id that had been merged away no longer redirects: it names its worker again.
    const { rows: redirects } = await sql<{ n: number }>`select count(*)::int as n from entities
      where id in (${people.get(workers[0]!)!}::uuid, ${people.get(workers[1]!)!}::uuid) and redirect_to is not null`.execute(store.db)
    expect(redirects[0]?.n).toBe(0)

    // And a link decided after the unlink wins again.
    await recordOverride(store.db, { action: 'link', subject: await subject(b!), other: await subject(a!) })
    await runResolution(deps)
    const relinked = await partition('person')
    expect(relinked.get(workers[1]!)).toBe(relinked.get(workers[0]!))
  })
})
