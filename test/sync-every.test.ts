/**
 * `customer-graph sync --every`: the scheduled syncs of the worker in one process, for the embedded
 * database. It syncs, waits, syncs again (reading only the change), and stops on SIGTERM.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSlackFake, type SlackFake } from './fakes/slack/slack-fake.ts'
import { loadSlackWorkspace } from './fakes/slack/workspace.ts'
import { eventually, startCliService } from './support/cli-service.ts'
import { runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

const TOKEN = 'xoxb-every-canary-41aa'
let work: string
let fake: SlackFake

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sync-every-'))
  const generated = await runCliProcess(['generate', path.join(work, 'company'), '--people', '40', '--seed', '5'], { cwd: work })
  expect(generated.code, generated.stderr).toBe(0)
  fake = await startSlackFake({ workspace: await loadSlackWorkspace(path.join(work, 'company', 'slack')), tokens: [TOKEN] })
  await writeFile(path.join(work, 'customer-graph.yaml'), `connections:\n  acme-slack:\n    system: slack\n    token: \${SLACK_TOKEN}\n    apiUrl: ${fake.url}\n    streams: [users]\n`)
}, 120_000)
afterAll(async () => {
  await fake?.close()
  await rm(work, { recursive: true, force: true })
})

interface Round {
  connections: { status: string; records: { new: number; changed: number; unchanged: number } }[]
}

describe.each(databaseTargets())('sync --every on the $name database', (target) => {
  it('syncs, waits the interval, syncs only the change, and stops cleanly on SIGTERM', async () => {
    const database = await cliDatabase(target)
    const cwd = await mkdtemp(path.join(work, 'run-'))
    const env = { ...database.env, SLACK_TOKEN: TOKEN, CUSTOMER_GRAPH_CONFIG: path.join(work, 'customer-graph.yaml') }
    const service = startCliService(['sync', '--every', '10s', '--no-resolve', '--json'], { cwd, env })
    try {
      const rounds = () => service.stdout().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Round)
      const [first] = await eventually('the first round', () => Promise.resolve(rounds().length >= 1 && rounds()), 60_000)
      expect(first!.connections[0]).toMatchObject({ status: 'succeeded' })
      expect(first!.connections[0]!.records.new).toBeGreaterThan(10)

      const someone = [...fake.state.workspace.users.values()].find((user) => !user.is_bot && !user.deleted)!
      fake.state.workspace.users.set(someone.id, { ...someone, profile: { ...someone.profile, title: `Head of Procurement, ${target.name}` } })
      const second = await eventually('the second round', () => Promise.resolve(rounds().length >= 2 && rounds()[1]), 30_000)
      expect(second.connections[0]!.records).toMatchObject({ new: 0, changed: 1 })

      service.signal('SIGTERM')
      expect(await service.exited).toBe(0)
      expect(rounds()).toHaveLength(2)
      expect(service.stderr()).not.toContain('canary')
    } finally {
      service.signal('SIGKILL')
      await database.drop()
    }
  }, 120_000)
})
