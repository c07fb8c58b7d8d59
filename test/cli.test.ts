import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TABLE_NAMES } from '../src/schema/database.ts'
import { BIN, runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets, LATEST_MIGRATION, MIGRATION_NAMES } from './support/test-databases.ts'

const scratch: string[] = []
function emptyFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cli-'))
  scratch.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true })
})

describe.each(databaseTargets())('customer-graph on the $name database', (target) => {
  let cwd: string
  let env: Record<string, string>
  let drop: () => Promise<void> = async () => {}

  beforeAll(async () => {
    cwd = emptyFolder()
    const database = await cliDatabase(target)
    env = database.env
    drop = database.drop
  })
  afterAll(() => drop())

  it('migrates an empty folder once; the second run applies nothing', async () => {
    const first = await runCliProcess(['migrate', '--json'], { cwd, env })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ mode: target.name, applied: MIGRATION_NAMES })

    const second = await runCliProcess(['migrate', '--json'], { cwd, env })
    expect(second.code).toBe(0)
    expect(JSON.parse(second.stdout)).toMatchObject({ applied: [], schemaVersion: LATEST_MIGRATION })
  })

  it('prints status as JSON with mode, schema version and a count per table', async () => {
    const result = await runCliProcess(['status', '--json'], { cwd, env })
    expect(result.code).toBe(0)
    const status = JSON.parse(result.stdout)
    expect(status).toMatchObject({ mode: target.name, schemaVersion: LATEST_MIGRATION, migrations: { pending: [] } })
    expect(Object.keys(status.tables)).toEqual([...TABLE_NAMES])
    expect(Object.values(status.tables).every((count) => count === 0)).toBe(true)
    if (target.name === 'embedded') expect(status.location).toBe(path.join(cwd, '.customer-graph'))
  })

  it('prints a readable status for a person', async () => {
    const result = await runCliProcess(['status'], { cwd, env })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^database   ${target.name}, `))
    expect(result.stdout).toContain(`schema     ${LATEST_MIGRATION} (${MIGRATION_NAMES.length} applied, 0 pending)`)
    expect(result.stdout).toMatch(/source_records\s+0/)
  })
})

describe('customer-graph on the embedded database', () => {
  it('uses --data-dir, and reports a folder without a database without creating it', async () => {
    const cwd = emptyFolder()
    const before = await runCliProcess(['status', '--json', '--data-dir', 'graph'], { cwd })
    expect(before.code).toBe(0)
    expect(JSON.parse(before.stdout)).toMatchObject({ mode: 'embedded', exists: false, schemaVersion: null })
    expect(fs.existsSync(path.join(cwd, 'graph'))).toBe(false)

    const migrate = await runCliProcess(['--data-dir', 'graph', 'migrate'], { cwd })
    expect(migrate.code).toBe(0)
    expect(migrate.stdout).toContain(`applied ${MIGRATION_NAMES.length} migration(s): ${MIGRATION_NAMES.join(', ')}`)
    expect(fs.existsSync(path.join(cwd, 'graph', 'pgdata'))).toBe(true)
    expect(fs.existsSync(path.join(cwd, 'graph', 'customer-graph.lock'))).toBe(false)
  })

  it('takes the folder from CUSTOMER_GRAPH_DATA_DIR', async () => {
    const cwd = emptyFolder()
    const result = await runCliProcess(['status', '--json'], { cwd, env: { CUSTOMER_GRAPH_DATA_DIR: path.join(cwd, 'elsewhere') } })
    expect(JSON.parse(result.stdout).location).toBe(path.join(cwd, 'elsewhere'))
  })
})

describe('customer-graph errors and help', () => {
  it('reports an unreachable server in one coded line, without the password, and exits non-zero', async () => {
    const cwd = emptyFolder()
    const env = { DATABASE_URL: 'postgres://app:Canary-Pw-7731@127.0.0.1:1/graph' }
    const human = await runCliProcess(['status'], { cwd, env })
    expect(human.code).toBe(1)
    expect(human.stdout).toBe('')
    expect(human.stderr.trim().split('\n')).toHaveLength(1)
    expect(human.stderr).toMatch(/^customer-graph: E_DB_CONNECT could not connect to postgres:\/\/app@127\.0\.0\.1:1\/graph/)

    const machine = await runCliProcess(['status', '--json'], { cwd, env })
    expect(machine.code).toBe(1)
    expect(JSON.parse(machine.stdout).error).toMatchObject({ code: 'E_DB_CONNECT', location: { parameter: 'DATABASE_URL' } })
    for (const output of [human.stdout, human.stderr, machine.stdout, machine.stderr]) {
      expect(output).not.toContain('Canary-Pw-7731')
    }
  })

  it('rejects an unknown command with E_USAGE and exit code 2', async () => {
    const result = await runCliProcess(['frobnicate'], { cwd: emptyFolder() })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^customer-graph: E_USAGE unknown command 'frobnicate'/)
    const json = await runCliProcess(['frobnicate', '--json'], { cwd: emptyFolder() })
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'E_USAGE' } })
  })

  it('rejects a bad option value with the parameter named', async () => {
    const result = await runCliProcess(['status', '--json', '--log-level', 'loud'], { cwd: emptyFolder() })
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'E_CONFIG', location: { parameter: '--log-level' } })
  })

  it('stops quietly when its reader closes the pipe, as `| head` does', async () => {
    const child = spawn(process.execPath, [BIN, '--help'], { cwd: emptyFolder(), stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    // The reader goes away before the CLI writes: its write meets a closed pipe.
    child.stdout.destroy()
    const [code] = (await once(child, 'close')) as [number | null]
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })

  it('explains itself and each command', async () => {
    const cwd = emptyFolder()
    const top = await runCliProcess(['--help'], { cwd })
    expect(top.code).toBe(0)
    expect(top.stdout).toMatch(/Usage: customer-graph/)
    expect(top.stdout).toMatch(/migrate\s+create or upgrade/)
    expect(top.stdout).toMatch(/status \[options\]\s+show the database, and each connection's\s+schedule/)
    expect(top.stdout).toMatch(/worker \[options\]\s+run the connections' sync schedules/)
    expect(top.stdout).toMatch(/runs \[options\]\s+list import and sync runs/)
    const migrate = await runCliProcess(['migrate', '--help'], { cwd })
    expect(migrate.code).toBe(0)
    expect(migrate.stdout).toMatch(/Usage: customer-graph migrate/)
  })
})
