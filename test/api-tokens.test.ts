import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { authenticate } from '../src/auth/authenticate.ts'
import { hashSecret, parseToken } from '../src/auth/token-secret.ts'
import { createToken, listTokens, revokeToken } from '../src/auth/tokens.ts'
import { CgError } from '../src/errors.ts'
import { databaseTargets, truncateAll, type TestDatabase } from './support/test-databases.ts'

const START = Date.parse('2026-12-07T10:00:00Z')

function manualClock() {
  let now = START
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) }
}

async function refusal(promise: Promise<unknown>): Promise<CgError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof CgError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe.each(databaseTargets())('API tokens on the $name database', (target) => {
  let database: TestDatabase
  let clock: ReturnType<typeof manualClock>

  beforeAll(async () => {
    database = await target.create()
  })
  afterAll(() => database.dispose())
  beforeEach(async () => {
    await truncateAll(database.db)
    clock = manualClock()
  })

  it('returns the token once and stores only the SHA-256 of its secret', async () => {
    const created = await createToken(database.db, { name: 'support bot', scopes: ['lookup', 'pii'], subject: 'Ada@Acme.com' })
    const { id, secret } = parseToken(created.token)!
    expect(created).toMatchObject({ id, name: 'support bot', scopes: ['lookup', 'pii'], subject: 'ada@acme.com', state: 'active', expiresAt: null })

    const { rows } = await sql<Record<string, unknown>>`select * from api_tokens`.execute(database.db)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.secret_hash).toBe(hashSecret(secret))
    const stored = JSON.stringify(rows)
    expect(stored).not.toContain(secret)
    expect(stored).not.toContain(created.token)

    const listed = await listTokens(database.db, clock)
    expect(listed).toEqual([Object.fromEntries(Object.entries(created).filter(([key]) => key !== 'token'))])
    expect(JSON.stringify(listed)).not.toContain(secret)
  })

  it('refuses unknown scopes, no scopes, an empty name and a subject that is neither email nor record', async () => {
    expect(await refusal(createToken(database.db, { name: 'x', scopes: ['lookup', 'root'] }))).toMatchObject({
      code: 'E_USAGE',
      message: 'unknown scope "root"; allowed scopes: lookup, pii, admin',
      location: { parameter: 'scopes' },
    })
    expect(await refusal(createToken(database.db, { name: 'x', scopes: [] }))).toMatchObject({ code: 'E_USAGE', location: { parameter: 'scopes' } })
    expect(await refusal(createToken(database.db, { name: ' ', scopes: ['lookup'] }))).toMatchObject({ code: 'E_USAGE', location: { parameter: 'name' } })
    expect(await refusal(createToken(database.db, { name: 'x', scopes: ['lookup'], subject: 'ada' }))).toMatchObject({ location: { parameter: 'subject' } })
    const record = await createToken(database.db, { name: 'x', scopes: ['lookup'], subject: 'workday:worker:1001' })
    expect(record.subject).toBe('workday:worker:1001')
    expect(await listTokens(database.db, clock)).toHaveLength(1)
  })

  it('authenticates a good token as an http principal with its scopes and subject', async () => {
    const { token, id } = await createToken(database.db, { name: 'a', scopes: ['lookup'], subject: 'ada@acme.com' })
    const principal = await authenticate(database.db, `Bearer ${token}`, clock)
    expect(principal).toEqual({ id, surface: 'http', scopes: new Set(['lookup']), subject: 'ada@acme.com' })
    expect(await authenticate(database.db, `bearer  ${token}`, clock)).toMatchObject({ id })
  })

  it('refuses a missing, malformed, unknown or wrong token with E_AUTH, and never echoes it', async () => {
    const { token, id } = await createToken(database.db, { name: 'a', scopes: ['lookup'] })
    const { secret } = parseToken(token)!
    const otherSecret = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`
    const attempts = [
      undefined,
      '',
      token,
      `Basic ${token}`,
      `Bearer ${token}x`,
      `Bearer cgt_${id}_${otherSecret}`,
      `Bearer cgt_tok_000000000000000000_${secret}`,
    ]
    for (const header of attempts) {
      const error = await refusal(authenticate(database.db, header, clock))
      expect(error).toMatchObject({ code: 'E_AUTH', location: { parameter: 'Authorization' } })
      expect(error.message).not.toContain(secret)
      expect(error.message).not.toContain(otherSecret)
      // Without the secret nothing tells the caller whether the id exists.
      expect(error.message).not.toContain(id)
    }
  })

  it('refuses a revoked or expired token, once its secret has matched, by id', async () => {
    const revoked = await createToken(database.db, { name: 'r', scopes: ['lookup'] })
    const expiring = await createToken(database.db, { name: 'e', scopes: ['lookup'], expiresAt: new Date(START + 60_000) })
    await authenticate(database.db, `Bearer ${expiring.token}`, clock)

    const revocation = await revokeToken(database.db, revoked.id, clock)
    expect(revocation).toMatchObject({ id: revoked.id, state: 'revoked', revokedAt: new Date(START).toISOString() })
    clock.advance(5_000)
    expect((await revokeToken(database.db, revoked.id, clock)).revokedAt).toBe(new Date(START).toISOString())
    expect(await refusal(authenticate(database.db, `Bearer ${revoked.token}`, clock))).toMatchObject({ code: 'E_AUTH', message: expect.stringMatching(/revoked/) })

    clock.advance(55_000)
    expect(await refusal(authenticate(database.db, `Bearer ${expiring.token}`, clock))).toMatchObject({ code: 'E_AUTH', message: expect.stringMatching(/expired/) })
    expect((await listTokens(database.db, clock)).map((token) => token.state)).toEqual(['revoked', 'expired'])
    expect(await refusal(revokeToken(database.db, 'tok_nope', clock))).toMatchObject({ code: 'E_NOT_FOUND' })
  })

  it('records when a token was last used, at most once a minute', async () => {
    const { token, id } = await createToken(database.db, { name: 'a', scopes: ['lookup'] })
    const lastUsed = async () => (await listTokens(database.db, clock)).find((info) => info.id === id)!.lastUsedAt
    expect(await lastUsed()).toBeNull()
    await authenticate(database.db, `Bearer ${token}`, clock)
    expect(await lastUsed()).toBe(new Date(START).toISOString())
    clock.advance(59_000)
    await authenticate(database.db, `Bearer ${token}`, clock)
    expect(await lastUsed()).toBe(new Date(START).toISOString())
    clock.advance(1_000)
    await authenticate(database.db, `Bearer ${token}`, clock)
    expect(await lastUsed()).toBe(new Date(START + 60_000).toISOString())
  })
})
