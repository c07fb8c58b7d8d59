import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCliProcess, type CliResult } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

const scratch: string[] = []
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true })
})

describe.each(databaseTargets())('customer-graph token on the $name database', (target) => {
  let cwd: string
  let env: Record<string, string>
  let drop: () => Promise<void> = async () => {}
  const cli = (...args: string[]): Promise<CliResult> => runCliProcess(['--log-level', 'trace', ...args], { cwd, env })

  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-token-'))
    scratch.push(cwd)
    const database = await cliDatabase(target)
    env = database.env
    drop = database.drop
  })
  afterAll(() => drop())

  it('creates a token, prints it once, lists it without the secret and revokes it', async () => {
    const created = await cli('token', 'create', '--name', 'support bot', '--scopes', 'lookup,pii', '--subject', 'ada@acme.com', '--expires-in', '30', '--json')
    expect(created.code).toBe(0)
    const token: { id: string; token: string; expiresAt: string; createdAt: string } = JSON.parse(created.stdout)
    expect(token).toMatchObject({ name: 'support bot', scopes: ['lookup', 'pii'], subject: 'ada@acme.com', state: 'active', revokedAt: null })
    expect(token.token).toMatch(new RegExp(`^cgt_${token.id}_[A-Za-z0-9_-]{43}$`))
    const days = (Date.parse(token.expiresAt) - Date.parse(token.createdAt)) / 86_400_000
    expect(days).toBeCloseTo(30, 2)
    const secret = token.token.slice(`cgt_${token.id}_`.length)
    expect(created.stderr).toContain('token created')
    expect(created.stderr).not.toContain(secret)

    const text = await cli('token', 'create', '--name', 'readonly', '--scopes', 'lookup')
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^tok_[0-9a-f]{18} {2}active {2}scopes lookup {2}name "readonly" {2}never expires {2}last used never\n\ncgt_tok_/)
    expect(text.stdout).toContain('shown only this once')

    const list = await cli('token', 'list', '--json')
    expect(list.code).toBe(0)
    const { tokens }: { tokens: { name: string }[] } = JSON.parse(list.stdout)
    expect(tokens.map((each) => each.name)).toEqual(['support bot', 'readonly'])
    expect(tokens[0]).toEqual(Object.fromEntries(Object.entries(token).filter(([key]) => key !== 'token')))
    const human = await cli('token', 'list')
    for (const output of [list.stdout, list.stderr, human.stdout, human.stderr]) expect(output).not.toContain(secret)
    expect(human.stdout).toContain(`${token.id}  active  scopes lookup,pii  name "support bot"  subject ada@acme.com  expires ${token.expiresAt}`)

    const revoked = await cli('token', 'revoke', token.id)
    expect(revoked.code).toBe(0)
    expect(revoked.stdout).toMatch(new RegExp(`^${token.id} {2}revoked {2}.* revoked \\d{4}-`))
    const after: { tokens: { state: string }[] } = JSON.parse((await cli('token', 'list', '--json')).stdout)
    expect(after.tokens.map((each) => each.state)).toEqual(['revoked', 'active'])
    // Six CLI processes, each opening the embedded database: slow on a busy 2-core machine.
  }, 180_000)

  it('refuses an unknown scope naming the allowed ones, and an unknown id', async () => {
    const scope = await cli('token', 'create', '--name', 'x', '--scopes', 'lookup,everything')
    expect(scope.code).toBe(2)
    expect(scope.stderr).toContain('customer-graph: E_USAGE unknown scope "everything"; allowed scopes: lookup, pii, admin')
    const missing = await cli('token', 'create', '--scopes', 'lookup', '--json')
    expect(missing.code).toBe(2)
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/--name/) })
    const days = await cli('token', 'create', '--name', 'x', '--scopes', 'lookup', '--expires-in', '0')
    expect(days.code).toBe(2)
    const unknown = await cli('token', 'revoke', 'tok_000000000000000000', '--json')
    expect(unknown.code).toBe(1)
    expect(JSON.parse(unknown.stdout).error).toMatchObject({ code: 'E_NOT_FOUND', location: { parameter: 'id' } })
  })
})
