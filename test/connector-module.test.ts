/**
 * A connector module brings a system of its own: the example HubSpot connector
 * (examples/hubspot/connector.ts), named by `module:` in a connections file, run by the real CLI
 * against a local HubSpot API on both databases — check, sync through faults, look up, sync again.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LookupResult } from '../src/lookup/lookup-schema.ts'
import { loadConnectionsFile } from '../src/sync/load-connections.ts'
import type { SyncReport } from '../src/sync/run-sync.ts'
import { startHubSpotFake, type CrmObject, type HubSpotFake } from './fakes/hubspot/hubspot-fake.ts'
import { runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

const TOKEN = 'pat-eu1-canary-7f3d-0000'
const EXAMPLE = fileURLToPath(new URL('../examples/hubspot/connector.ts', import.meta.url))
const UPDATED = '2026-11-30T10:00:00.000Z'

const companies: CrmObject[] = [
  { id: '9001', properties: { name: 'Globex Corporation', domain: 'globex-corp.com', industry: 'MANUFACTURING' }, updatedAt: UPDATED, archived: false },
  { id: '9002', properties: { name: 'Initech GmbH', domain: 'initech-software.de' }, updatedAt: UPDATED, archived: false },
]
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Radia', 'Ken', 'Margaret', 'Niklaus']
function contactsFixture(): CrmObject[] {
  const contacts: CrmObject[] = FIRST.map((first, index) => ({
    id: String(501 + index),
    properties: { firstname: first, lastname: `Tester${index}`, email: `${first.toLowerCase()}@${index % 2 ? 'initech-software.de' : 'globex-corp.com'}`, jobtitle: 'Buyer' },
    updatedAt: UPDATED,
    archived: false,
    companyIds: [index % 2 ? '9002' : '9001'],
  }))
  // The same person entered twice, the second time with her email in capitals: one person.
  contacts.push({ id: '601', properties: { firstname: 'Ada', lastname: 'Tester0', email: 'ADA@globex-corp.com', jobtitle: null }, updatedAt: UPDATED, archived: false, companyIds: [] })
  return contacts
}

let work: string
let fake: HubSpotFake

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'connector-module-'))
})
afterEach(async () => {
  await fake?.close()
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe.each(databaseTargets())('a connector module with its own system on the $name database', (target) => {
  it('checks, syncs through a rate limit, a 502 and a cut body, is looked up, and marks an archived contact deleted', async () => {
    fake = await startHubSpotFake({ token: TOKEN, companies, contacts: contactsFixture() })
    const database = await cliDatabase(target)
    const cwd = await mkdtemp(path.join(work, 'run-'))
    const config = path.join(cwd, 'customer-graph.yaml')
    await writeFile(config, `connections:\n  crm:\n    module: ${EXAMPLE}\n    token: \${HUBSPOT_TOKEN}\n    apiUrl: ${fake.url}\n    pageSize: 5\n    requestTimeoutMs: 5000\n`)
    const env = { ...database.env, HUBSPOT_TOKEN: TOKEN, CUSTOMER_GRAPH_CONFIG: config }
    const cli = async (args: string[], environment = env) => {
      const result = await runCliProcess(args, { cwd, env: environment, timeoutMs: 120_000 })
      for (const output of [result.stdout, result.stderr]) expect(output).not.toContain('canary')
      return result
    }
    try {
      const check = await cli(['check', 'crm', '--json'])
      expect(check.code, check.stdout + check.stderr).toBe(0)
      expect(JSON.parse(check.stdout)).toMatchObject({
        system: 'hubspot',
        account: `HubSpot account ${fake.state.portalId} (app-eu1.hubspot.com)`,
        scopes: [
          { name: 'crm.objects.companies.read', granted: true, neededBy: ['companies'] },
          { name: 'crm.objects.contacts.read', granted: true, neededBy: ['contacts'] },
        ],
      })

      fake.state.faults.push('rate_limit', 'bad_gateway', 'truncated')
      const first = await cli(['sync', '--json'])
      expect(first.code, first.stdout + first.stderr).toBe(0)
      const synced = JSON.parse(first.stdout)
      expect(synced.connections[0]).toMatchObject({ connection: 'crm', system: 'hubspot', status: 'succeeded', records: { read: 17, new: 17, rejected: 0 } })
      // 17: 2 companies, 13 contacts, and the two work email domains as inferred organisations (hubspot:email_domain:…).
      expect(fake.state.faults).toEqual([])
      // The check's two probes, 1 company page and 3 contact pages, and the three failed attempts repeated.
      expect(fake.state.calls.filter((call) => call.startsWith('/crm/')).length).toBe(2 + 1 + 3 + 3)

      const byEmail = await cli(['lookup', 'ada@globex-corp.com', '--json'])
      expect(byEmail.code, byEmail.stdout + byEmail.stderr).toBe(0)
      const found = JSON.parse(byEmail.stdout) as LookupResult
      expect(found.status).toBe('found')
      expect(found.profile?.records.map((record) => [record.system, record.record]).sort()).toEqual([
        ['hubspot', 'hubspot:contact:501'],
        ['hubspot', 'hubspot:contact:601'],
      ])
      expect(found.related?.organizations?.map((organization) => organization.name)).toEqual(['Globex Corporation'])

      const byRecord = await cli(['lookup', 'hubspot:contact:502', '--json'])
      expect(JSON.parse(byRecord.stdout).profile).toMatchObject({ name: 'Grace Tester1', matchedBy: 'record' })

      fake.state.contacts.find((contact) => contact.id === '503')!.archived = true
      const second = await cli(['sync', '--only', 'crm', '--json'])
      expect(second.code, second.stderr).toBe(0)
      expect(JSON.parse(second.stdout).connections[0]).toMatchObject({ status: 'succeeded', records: { new: 0, changed: 0, deleted: 1 } })

      fake.state.scopes.delete('crm.objects.contacts.read')
      const missing = await cli(['check', 'crm', '--json'])
      expect(missing.code).toBe(1)
      expect(JSON.parse(missing.stdout).scopes).toContainEqual({ name: 'crm.objects.contacts.read', granted: false, neededBy: ['contacts'] })

      const refused = await cli(['sync', '--json'], { ...env, HUBSPOT_TOKEN: 'pat-eu1-wrong-canary' })
      expect(refused.code).toBe(1)
      const failed = (JSON.parse(refused.stdout) as { connections: SyncReport[] }).connections[0]!
      expect(failed.status).toBe('failed')
      expect(failed.streams.map((stream) => [stream.status, stream.errors[0]?.code])).toEqual([
        ['failed', 'E_AUTH'],
        ['failed', 'E_AUTH'],
      ])
    } finally {
      await database.drop()
    }
  }, 300_000)
})

describe('loading a connector module', () => {
  it('refuses a module whose system is not a system name, naming the file and the rule', async () => {
    const module = path.join(work, 'bad-system.ts')
    await writeFile(module, `import base from ${JSON.stringify(EXAMPLE)}\nexport default { ...base, system: 'Hub Spot' }\n`)
    const file = path.join(work, 'bad-system.yaml')
    await writeFile(file, `connections:\n  crm:\n    module: ./bad-system.ts\n    token: \${HUBSPOT_TOKEN}\n`)
    await expect(loadConnectionsFile(file, { HUBSPOT_TOKEN: TOKEN })).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringMatching(/bad-system\.yaml: connector module "\.\/bad-system\.ts" declares system "Hub Spot"; a system name is 2–32 lowercase letters/),
      location: { file, path: 'module' },
    })
  })
})
