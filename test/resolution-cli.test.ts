import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportReport } from '../src/pipeline/run-import.ts'
import type { Explanation } from '../src/resolve/explain.ts'
import type { RecordedOverride } from '../src/resolve/overrides.ts'
import type { ResolutionReport } from '../src/resolve/run-resolution.ts'
import { runCliProcess, type CliResult } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

// The records of the small input below, as explain and export identities name them. Salesforce ids
// are the 18-character ones a Data Export gives.
const WORKER_ADA = 'workday:worker:1001'
const WORKER_GRACE = 'workday:worker:1002'
const CONTACT_ADA = 'salesforce:Contact:0035e00000AdaL1AAJ'
const CONTACT_PETER = 'salesforce:Contact:0035e00000PetG1AAJ'
const CONTACT_LISA = 'salesforce:Contact:0035e00000LisG1AAJ'
const CONTACT_JOANNA_SMITH = 'salesforce:Contact:0035e00000JoaS1AAJ'
const CONTACT_JOANNA_LUMBERGH = 'salesforce:Contact:0035e00000JoaL1AAJ'
const ACCOUNT_GLOBEX = 'salesforce:Account:0015e00000Glbx1AAB'
const ACCOUNT_GLOBEX_DUPLICATE = 'salesforce:Account:0015e00000Glbx2AAB'
const ACCOUNT_INITECH = 'salesforce:Account:0015e00000Intc1AAB'
const PEOPLE = [WORKER_ADA, WORKER_GRACE, CONTACT_ADA, CONTACT_PETER, CONTACT_LISA, CONTACT_JOANNA_SMITH, CONTACT_JOANNA_LUMBERGH]
const ORGANIZATIONS = [ACCOUNT_GLOBEX, ACCOUNT_GLOBEX_DUPLICATE, ACCOUNT_INITECH]
/**
 * The organisations the imports infer from work domains (derive-organizations.ts): ours from the
 * workers, and the contacts' (support@ is generic, so it brings none).
 */
const OWN_DOMAIN_ACME = 'workday:own_domain:acme.com'
const DOMAIN_ACME = 'salesforce:email_domain:acme.com'
const DOMAIN_GLOBEX = 'salesforce:email_domain:globex.com'
const DOMAIN_INITECH = 'salesforce:email_domain:initech.com'
const INFERRED_ORGANIZATIONS = [OWN_DOMAIN_ACME, DOMAIN_ACME, DOMAIN_GLOBEX, DOMAIN_INITECH]

const sourceId = (ref: string) => ref.split(':')[2]!

/**
 * Two Workday workers; five Salesforce contacts: Ada with her work address in another case, Peter and
 * Lisa Gibbons who share only the support@ mailbox (one family name, so no name contradiction keeps
 * them apart: only the mailbox being generic does; their initials differ, so no score compares them),
 * and two Joannas nothing joins; three accounts, two of them one company by their website's domain.
 */
const WORKDAY_REPORT = {
  Report_Entry: [
    { Employee_ID: '1001', Worker: 'Ada Lovelace', 'Email_-_Work': 'ada@acme.com', Business_Title: 'Engineer' },
    { Employee_ID: '1002', Worker: 'Grace Hopper', 'Email_-_Work': 'grace@acme.com', Business_Title: 'Admiral' },
  ],
}
const ACCOUNT_CSV = [
  'Id,Name,Website',
  `${sourceId(ACCOUNT_GLOBEX)},Globex Corporation,https://www.globex.com`,
  `${sourceId(ACCOUNT_GLOBEX_DUPLICATE)},Globex,globex.com`,
  `${sourceId(ACCOUNT_INITECH)},Initech,initech.com`,
].join('\n')
function contactCsv(title: (ref: string) => string = () => ''): string {
  const rows: [string, string, string, string, string][] = [
    [CONTACT_ADA, 'Ada', 'Lovelace', 'Ada@Acme.com', ''],
    [CONTACT_PETER, 'Peter', 'Gibbons', 'support@initech.com', ACCOUNT_INITECH],
    [CONTACT_LISA, 'Lisa', 'Gibbons', 'support@initech.com', ACCOUNT_INITECH],
    [CONTACT_JOANNA_SMITH, 'Joanna', 'Smith', 'joanna@initech.com', ACCOUNT_INITECH],
    [CONTACT_JOANNA_LUMBERGH, 'Joanna', 'Lumbergh', 'jl@globex.com', ACCOUNT_GLOBEX],
  ]
  const lines = rows.map(([ref, first, last, email, account]) => [sourceId(ref), first, last, email, account ? sourceId(account) : '', title(ref)].join(','))
  return ['Id,FirstName,LastName,Email,AccountId,Title', ...lines].join('\n') + '\n'
}

interface IdentityRow {
  entity: string
  kind: string
  ref: string
}

/** The CSV of export identities, checked for its header, as rows. */
function parseIdentities(csv: string): IdentityRow[] {
  const [header, ...lines] = csv.trimEnd().split('\n')
  expect(header).toBe('entity_id,entity_kind,system,object_type,source_id')
  return lines.map((line) => {
    const [entity, kind, system, objectType, id, ...rest] = line.split(',')
    expect(rest).toEqual([])
    return { entity: entity!, kind: kind!, ref: `${system}:${objectType}:${id}` }
  })
}

/** Record → entity id; every record appears exactly once. */
function entityByRecord(rows: IdentityRow[]): Map<string, string> {
  const byRecord = new Map(rows.map((row) => [row.ref, row.entity]))
  expect(byRecord.size).toBe(rows.length)
  return byRecord
}

describe.each(databaseTargets())('identity resolution through the CLI on the $name database', (target) => {
  let cwd: string
  let env: Record<string, string> = {}
  let drop: () => Promise<void> = () => Promise.resolve()
  let workdayReport: string
  let salesforceExport: string

  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-resolution-cli-'))
    workdayReport = path.join(cwd, 'input', 'workday', 'report.json')
    salesforceExport = path.join(cwd, 'input', 'salesforce')
    fs.mkdirSync(path.dirname(workdayReport), { recursive: true })
    fs.mkdirSync(salesforceExport, { recursive: true })
    fs.writeFileSync(workdayReport, JSON.stringify(WORKDAY_REPORT))
    fs.writeFileSync(path.join(salesforceExport, 'Account.csv'), ACCOUNT_CSV + '\n')
    fs.writeFileSync(path.join(salesforceExport, 'Contact.csv'), contactCsv())
    const database = await cliDatabase(target)
    env = database.env
    drop = database.drop
  })
  afterAll(async () => {
    await drop()
    fs.rmSync(cwd, { recursive: true, force: true })
  })

  const cli = (...args: string[]): Promise<CliResult> => runCliProcess(args, { cwd, env, timeoutMs: 120_000 })

  /** Runs a command that must succeed with --json, and returns what it printed. */
  async function cliJson<T>(...args: string[]): Promise<T> {
    const result = await cli(...args, '--json')
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
    return JSON.parse(result.stdout) as T
  }

  /** Runs a command that must fail, and checks it said so in one coded line on stderr. */
  async function cliError(code: string, exitCode: number, ...args: string[]): Promise<string> {
    const result = await cli(...args)
    expect(result.code).toBe(exitCode)
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')).toEqual([expect.stringMatching(new RegExp(`^customer-graph: ${code} `)), ''])
    return result.stderr.trim()
  }

  /** The one entity explain names for a record. */
  async function explainRecord(ref: string) {
    const explanation = await cliJson<Explanation>('explain', ref)
    expect(explanation.record).toBe(ref)
    expect(explanation.entities).toHaveLength(1)
    return explanation.entities[0]!
  }

  // The tests run in order on one database: each starts from what the one before left.
  let linkedEntity: string

  it('resolves after each import: a contact with a worker’s work email joins the worker’s person, a shared support@ mailbox joins nobody', { timeout: 180_000 }, async () => {
    const workday = await cliJson<ImportReport & { resolution: ResolutionReport }>('import', 'workday', workdayReport)
    // Two workers, and our company: the domain they work at (workday:own_domain:acme.com).
    expect(workday.records).toMatchObject({ new: 3, rejected: 0 })
    expect(workday.resolution.queued).toBe(3)
    expect(workday.resolution.person.entities).toEqual({ created: 2, kept: 0, redirected: 0, removed: 0 })
    expect(workday.resolution.person.rules).toEqual({ seed: 2 })
    expect(workday.resolution.organization.entities).toEqual({ created: 1, kept: 0, redirected: 0, removed: 0 })

    const salesforce = await cliJson<ImportReport & { resolution: ResolutionReport }>('import', 'salesforce', salesforceExport)
    // Three accounts, five contacts, and the three domains the contacts work at.
    expect(salesforce.records).toMatchObject({ read: 11, new: 11, rejected: 0 })
    expect(salesforce.errors).toEqual([])
    expect(salesforce.resolution.queued).toBe(11)
    // Only what the new records touch is looked at: the five new people, Ada's contact joined her
    // worker's entity, which kept its id, and Grace, whose domain's organisation this import joined
    // (acme.com: ours, and an address on a contact); she shares no key with them and stays as she was.
    expect(salesforce.resolution.person.rules).toEqual({ seed: 6, email: 1 })
    expect(salesforce.resolution.person.entities).toMatchObject({ created: 4, kept: 2, redirected: 0 })
    // Each domain joins its account (or our own domain's organisation) by the domain key.
    expect(salesforce.resolution.organization.rules).toEqual({ seed: 3, domain: 4 })
    expect(salesforce.resolution.organization.entities).toMatchObject({ created: 2, kept: 1 })

    const ada = await explainRecord(CONTACT_ADA)
    expect(ada).toMatchObject({ kind: 'person', displayName: 'Ada Lovelace', isInternal: true, mergedAway: [], refusals: [], overrides: [] })
    expect(ada.members.map((member) => member.record).sort()).toEqual([CONTACT_ADA, WORKER_ADA])
    const seed = ada.members.find((member) => member.rule === 'seed')!
    const linked = ada.members.find((member) => member.rule !== 'seed')!
    expect(linked).toEqual({
      record: seed.record === CONTACT_ADA ? WORKER_ADA : CONTACT_ADA,
      rule: 'email',
      score: null,
      evidence: { key: { kind: 'email', value: 'ada@acme.com' }, linkedTo: seed.record },
      deleted: false,
    })
    expect(ada.identifiers).toEqual([
      { kind: 'email', value: 'ada@acme.com', generic: false, records: [CONTACT_ADA, WORKER_ADA] },
      { kind: 'employee_id', value: '1001', generic: false, records: [WORKER_ADA] },
    ])

    // A person reading explain: Peter stands alone, and the shared mailbox is marked as never merging.
    const peter = await cli('explain', sourceId(CONTACT_PETER))
    expect({ code: peter.code, stderr: peter.stderr }).toEqual({ code: 0, stderr: '' })
    const lines = peter.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(`record ${CONTACT_PETER}`)
    expect(lines[1]).toMatch(/^person [0-9a-f-]{36} "Peter Gibbons" \(external\), 1 record\(s\)$/)
    expect(lines).toContain(`    ${CONTACT_PETER}  seed (first record of the entity)`)
    expect(lines).toContain(`    email support@initech.com (generic: never used to merge)  from ${CONTACT_PETER}`)
    expect(peter.stdout).not.toContain(CONTACT_LISA)
    expect(peter.stdout).not.toContain('merges refused')
  })

  it('fails with E_NOT_FOUND for a record that was never imported', async () => {
    const message = await cliError('E_NOT_FOUND', 1, 'explain', 'salesforce:Contact:0035e00000Nope1AAJ')
    expect(message).toBe('customer-graph: E_NOT_FOUND no record salesforce:Contact:0035e00000Nope1AAJ has been imported')
  })

  it('links two records by hand into one entity that a later resolve and a re-import keep', { timeout: 180_000 }, async () => {
    const note = 'married; moved from Initech to Globex'
    const link = await cliJson<{ override: RecordedOverride; resolution: ResolutionReport }>(
      'link',
      sourceId(CONTACT_JOANNA_SMITH),
      CONTACT_JOANNA_LUMBERGH,
      '--note',
      note,
    )
    expect(link.override).toEqual({ id: expect.any(Number), action: 'link', kind: 'person', record: CONTACT_JOANNA_SMITH, other: CONTACT_JOANNA_LUMBERGH })
    expect(link.resolution.queued).toBe(2)
    expect(link.resolution.person.entities).toMatchObject({ created: 0, redirected: 1, removed: 0 })
    expect(link.resolution.person.rules.override).toBe(1)

    const resolve = await cliJson<ResolutionReport>('resolve')
    expect(resolve.queued).toBe(0)
    expect(resolve.person).toMatchObject({ scope: 0, rules: {} })
    expect(resolve.organization).toMatchObject({ scope: 0, rules: {} })

    // The same files again: nothing changed, nothing queued, nothing re-resolved.
    const again = await cli('import', 'salesforce', salesforceExport)
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' })
    expect(again.stdout).toContain('  read 11 · new 0 · changed 0 · unchanged 11 · rejected 0 · deleted 0\n')
    expect(again.stdout).toMatch(/\nresolution of 0 queued record\(s\) in [\d.]+s\n {2}people: 0 records looked at · 0 new, 0 kept, 0 merged away, 0 removed\n/)

    const joanna = await explainRecord(CONTACT_JOANNA_LUMBERGH)
    expect(joanna).toMatchObject({ kind: 'person', displayName: 'Joanna Lumbergh', isInternal: false, refusals: [] })
    expect(joanna.mergedAway).toHaveLength(1)
    expect(joanna.mergedAway[0]).not.toBe(joanna.id)
    expect(joanna.members).toEqual([
      { record: CONTACT_JOANNA_LUMBERGH, rule: 'seed', score: null, evidence: {}, deleted: false },
      { record: CONTACT_JOANNA_SMITH, rule: 'override', score: null, evidence: { override: link.override.id, linkedTo: CONTACT_JOANNA_LUMBERGH }, deleted: false },
    ])
    expect(joanna.overrides).toEqual([
      { id: link.override.id, action: 'link', record: CONTACT_JOANNA_SMITH, other: CONTACT_JOANNA_LUMBERGH, note, createdAt: expect.any(String) },
    ])
    linkedEntity = joanna.id

    const file = path.join(cwd, 'identities.csv')
    expect(await cliJson('export', 'identities', '--output', file)).toEqual({ file, rows: 14 })
    const rows = parseIdentities(fs.readFileSync(file, 'utf8'))
    expect(rows).toHaveLength(14)
    expect(rows.map((row) => row.ref).sort()).toEqual([...PEOPLE, ...ORGANIZATIONS, ...INFERRED_ORGANIZATIONS].sort())
    for (const row of rows) expect(row.kind).toBe([...ORGANIZATIONS, ...INFERRED_ORGANIZATIONS].includes(row.ref) ? 'organization' : 'person')
    const entity = entityByRecord(rows)
    expect(entity.get(CONTACT_JOANNA_SMITH)).toBe(linkedEntity)
    expect(entity.get(CONTACT_JOANNA_LUMBERGH)).toBe(linkedEntity)
    expect(entity.get(CONTACT_ADA)).toBe(entity.get(WORKER_ADA))
    expect(entity.get(CONTACT_PETER)).not.toBe(entity.get(CONTACT_LISA))
    expect(entity.get(ACCOUNT_GLOBEX)).toBe(entity.get(ACCOUNT_GLOBEX_DUPLICATE))
    expect(entity.get(ACCOUNT_INITECH)).not.toBe(entity.get(ACCOUNT_GLOBEX))
    // A domain an account has is that account's organisation, not a second one.
    expect(entity.get(DOMAIN_GLOBEX)).toBe(entity.get(ACCOUNT_GLOBEX))
    expect(entity.get(DOMAIN_INITECH)).toBe(entity.get(ACCOUNT_INITECH))
    expect(entity.get(DOMAIN_ACME)).toBe(entity.get(OWN_DOMAIN_ACME))
    // Five people (Ada twice, Grace, Peter, Lisa, the Joannas) and three organisations (ours too).
    expect(new Set(rows.filter((row) => row.kind === 'person').map((row) => row.entity)).size).toBe(5)
    expect(new Set(rows.filter((row) => row.kind === 'organization').map((row) => row.entity)).size).toBe(3)
  })

  it('unlinks records — one linked by hand, one joined by a shared email — and they stay apart when they change and are re-imported', { timeout: 180_000 }, async () => {
    const apart = await cliJson<{ override: RecordedOverride; resolution: ResolutionReport }>('unlink', CONTACT_JOANNA_SMITH, '--note', 'two different Joannas after all')
    expect(apart.override).toEqual({ id: expect.any(Number), action: 'unlink', kind: 'person', record: CONTACT_JOANNA_SMITH, other: null })
    // Smith takes back the id she had before the link (it had been merged away, and is free again).
    expect(apart.resolution.person.entities).toMatchObject({ created: 0, redirected: 0 })

    const note = 'a namesake at a customer, the address was typed in wrong'
    const namesake = await cliJson<{ override: RecordedOverride; resolution: ResolutionReport }>('unlink', sourceId(CONTACT_ADA), '--note', note)
    expect(namesake.override).toEqual({ id: expect.any(Number), action: 'unlink', kind: 'person', record: CONTACT_ADA, other: null })
    expect(namesake.resolution.person.entities).toMatchObject({ created: 1, redirected: 0 })

    // A newer export in which the three contacts changed: they are queued and resolved again, and the
    // overrides still hold (the shared email would join Ada's contact to her worker without one).
    fs.writeFileSync(
      path.join(salesforceExport, 'Contact.csv'),
      contactCsv((ref) => ([CONTACT_ADA, CONTACT_JOANNA_SMITH, CONTACT_JOANNA_LUMBERGH].includes(ref) ? 'Buyer' : '')),
    )
    const changed = await cliJson<ImportReport & { resolution: ResolutionReport }>('import', 'salesforce', salesforceExport)
    expect(changed.records).toMatchObject({ read: 11, new: 0, changed: 3, unchanged: 8, rejected: 0, deleted: 0 })
    expect(changed.resolution.queued).toBe(3)

    const csv = await cli('export', 'identities', '--kind', 'person')
    expect({ code: csv.code, stderr: csv.stderr }).toEqual({ code: 0, stderr: '' })
    const rows = parseIdentities(csv.stdout)
    expect(rows.map((row) => row.ref).sort()).toEqual([...PEOPLE].sort())
    expect(rows.every((row) => row.kind === 'person')).toBe(true)
    const entity = entityByRecord(rows)
    expect(entity.get(CONTACT_JOANNA_SMITH)).not.toBe(entity.get(CONTACT_JOANNA_LUMBERGH))
    // The linked entity's id lives on in one of the two.
    expect([entity.get(CONTACT_JOANNA_SMITH), entity.get(CONTACT_JOANNA_LUMBERGH)].filter((id) => id === linkedEntity)).toHaveLength(1)
    expect(entity.get(CONTACT_ADA)).not.toBe(entity.get(WORKER_ADA))
    expect(new Set(rows.map((row) => row.entity)).size).toBe(7)

    const ada = await explainRecord(CONTACT_ADA)
    expect(ada.members).toEqual([{ record: CONTACT_ADA, rule: 'seed', score: null, evidence: {}, deleted: false }])
    expect(ada.refusals).toEqual([
      {
        record: CONTACT_ADA,
        other: WORKER_ADA,
        otherEntity: entity.get(WORKER_ADA),
        rule: 'email',
        reason: 'override',
        details: { key: { kind: 'email', value: 'ada@acme.com' }, note: 'the record was unlinked by hand' },
      },
    ])
    expect(ada.overrides).toEqual([{ id: namesake.override.id, action: 'unlink', record: CONTACT_ADA, other: null, note, createdAt: expect.any(String) }])

    const organizations = await cli('export', 'identities', '--kind', 'organization')
    expect({ code: organizations.code, stderr: organizations.stderr }).toEqual({ code: 0, stderr: '' })
    const organizationRows = parseIdentities(organizations.stdout)
    expect(organizationRows.map((row) => [row.ref, row.kind]).sort()).toEqual([...ORGANIZATIONS, ...INFERRED_ORGANIZATIONS].map((ref) => [ref, 'organization']).sort())
  })

  it('leaves an import made with --no-resolve queued for resolve, and calls a source id held by two records ambiguous', { timeout: 180_000 }, async () => {
    // The same workers once more, under a second connection (a second Workday tenant's report).
    const landed = await cliJson<ImportReport>('import', 'workday', workdayReport, '--connection', 'workday-eu', '--no-resolve')
    // The workers and their domain's organisation, records of this connection.
    expect(landed.records).toMatchObject({ new: 3, rejected: 0 })
    expect(landed).not.toHaveProperty('resolution')

    const message = await cliError('E_AMBIGUOUS', 1, 'explain', '1001')
    expect(message).toMatch(/^customer-graph: E_AMBIGUOUS source id "1001" names several records/)

    // Each new worker joins the worker of the same reference; nothing new is created, and Ada's
    // unlinked contact stays out although it shares her email.
    const resolved = await cliJson<ResolutionReport>('resolve')
    expect(resolved.queued).toBe(3)
    expect(resolved.person.rules.cross_reference).toBe(2)
    expect(resolved.person.entities).toMatchObject({ created: 0, redirected: 0, removed: 0 })
    expect(resolved.person.refusals).toEqual({ override: 1 })
  })
})
