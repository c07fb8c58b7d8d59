/**
 * `customer-graph check` and `customer-graph sync` as a user runs them: a connections file with the
 * token as an environment reference, the real CLI process, the Slack fake as the API.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSlackFake, type SlackFake } from './fakes/slack/slack-fake.ts'
import { loadSlackWorkspace } from './fakes/slack/workspace.ts'
import { runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

const TOKEN = 'xoxb-cli-canary-5e1b'
let work: string
let fake: SlackFake

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sync-cli-'))
  const generated = await runCliProcess(['generate', path.join(work, 'company'), '--people', '40', '--seed', '3'], { cwd: work })
  expect(generated.code).toBe(0)
  fake = await startSlackFake({ workspace: await loadSlackWorkspace(path.join(work, 'company', 'slack')), tokens: [TOKEN] })
  await writeFile(path.join(work, 'customer-graph.yaml'), `connections:\n  acme-slack:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n`)
}, 120_000)
afterAll(async () => {
  await fake.close()
  await rm(work, { recursive: true, force: true })
})

describe.each(databaseTargets())('sync and check commands on the $name database', (target) => {
  it('checks the credentials, syncs, then syncs again reading nothing new; a wrong token is E_AUTH without the token', async () => {
    const database = await cliDatabase(target)
    const cwd = await mkdtemp(path.join(work, 'run-'))
    const env = { ...database.env, SLACK_TOKEN: TOKEN, CUSTOMER_GRAPH_CONFIG: path.join(work, 'customer-graph.yaml') }
    try {
      const check = await runCliProcess(['check', 'acme-slack', '--json'], { cwd, env })
      expect(check.code, check.stderr).toBe(0)
      const checked = JSON.parse(check.stdout) as { system: string; scopes: { name: string; granted: boolean }[] }
      expect(checked.system).toBe('slack')
      expect(checked.scopes.every((scope) => scope.granted)).toBe(true)

      const first = await runCliProcess(['sync', '--json'], { cwd, env, timeoutMs: 120_000 })
      expect(first.code, first.stderr).toBe(0)
      const synced = JSON.parse(first.stdout) as { connections: { status: string; records: { new: number } }[]; resolution: unknown }
      expect(synced.connections[0]).toMatchObject({ status: 'succeeded' })
      expect(synced.connections[0]!.records.new).toBeGreaterThan(50)
      expect(synced.resolution).toBeDefined()

      const second = await runCliProcess(['sync', '--only', 'acme-slack'], { cwd, env, timeoutMs: 120_000 })
      expect(second.code, second.stderr).toBe(0)
      expect(second.stdout).toMatch(/acme-slack \(slack\) sync: succeeded/)
      expect(second.stdout).toMatch(/new 0 · changed 0/)

      const refused = await runCliProcess(['sync', '--json'], { cwd, env: { ...env, SLACK_TOKEN: 'xoxb-wrong-canary' }, timeoutMs: 120_000 })
      expect(refused.code).toBe(1)
      expect(JSON.parse(refused.stdout)).toMatchObject({ connections: [{ status: 'failed', error: { code: 'E_AUTH' } }] })
      for (const output of [refused.stdout, refused.stderr, first.stdout, first.stderr]) expect(output).not.toContain('canary')

      const unknown = await runCliProcess(['check', 'nope'], { cwd, env })
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toMatch(/E_USAGE no connection "nope" in the connections file; it has acme-slack/)
      const noFile = await runCliProcess(['sync'], { cwd, env: { ...database.env } })
      expect(noFile.code).toBe(1)
      expect(noFile.stderr).toMatch(/E_CONFIG .*customer-graph\.yaml: no connections file here/)
    } finally {
      await database.drop()
    }
  }, 300_000)
})
