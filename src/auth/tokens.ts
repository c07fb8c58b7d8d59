/**
 * API tokens as their owner manages them: create (the token is returned once), list, revoke. Only the
 * secret's SHA-256 reaches the database (token-secret.ts).
 */
import type { Kysely } from 'kysely'
import type { Clock } from '../deps.ts'
import { CgError } from '../errors.ts'
import { SCOPES, type Scope } from '../lookup/lookup-schema.ts'
import { parseRecordRef } from '../schema/record-ref.ts'
import type { DB } from '../schema/database.ts'
import { newTokenSecret } from './token-secret.ts'

export interface NewToken {
  name: string
  scopes: readonly string[]
  /** Who the caller is in the graph: an email or a record reference `system:objectType:sourceId`. */
  subject?: string | null
  expiresAt?: Date | null
}

export interface TokenInfo {
  id: string
  name: string
  scopes: Scope[]
  subject: string | null
  createdAt: string
  expiresAt: string | null
  revokedAt: string | null
  lastUsedAt: string | null
  state: 'active' | 'expired' | 'revoked'
}

export interface CreatedToken extends TokenInfo {
  /** `cgt_<id>_<secret>`: shown this once, kept nowhere. */
  token: string
}

const NAME_MAX_LENGTH = 200
// eslint-disable-next-line no-control-regex -- a name with control characters would garble every listing
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u
const EMAIL = /^[^\s@:]+@[^\s@]+\.[^\s@]+$/u

export async function createToken(db: Kysely<DB>, input: NewToken): Promise<CreatedToken> {
  const name = checkName(input.name)
  const scopes = checkScopes(input.scopes)
  const subject = checkSubject(input.subject ?? null)
  const { id, token, secretHash } = newTokenSecret()
  const row = await db
    .insertInto('api_tokens')
    .values({ id, name, secret_hash: secretHash, scopes, subject, expires_at: input.expiresAt ?? null })
    .returningAll()
    .executeTakeFirstOrThrow()
  return { ...describeToken(row, row.created_at), token }
}

export async function listTokens(db: Kysely<DB>, clock: Clock): Promise<TokenInfo[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id').execute()
  return rows.map((row) => describeToken(row, clock.now()))
}

/** Revokes a token from now on; revoking it again keeps the first revocation time. */
export async function revokeToken(db: Kysely<DB>, id: string, clock: Clock): Promise<TokenInfo> {
  const now = clock.now()
  const row =
    (await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst()) ??
    (await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst())
  if (!row) throw new CgError('E_NOT_FOUND', `no token ${id}; customer-graph token list shows the ids`, { location: { parameter: 'id' } })
  return describeToken(row, now)
}

interface TokenRow {
  id: string
  name: string
  scopes: string[]
  subject: string | null
  created_at: Date
  expires_at: Date | null
  revoked_at: Date | null
  last_used_at: Date | null
}

function describeToken(row: TokenRow, now: Date): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    scopes: knownScopes(row.scopes),
    subject: row.subject,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    state: row.revoked_at ? 'revoked' : row.expires_at && row.expires_at <= now ? 'expired' : 'active',
  }
}

/** Scopes as stored, minus any this version does not know (a newer version may have written them). */
export function knownScopes(scopes: readonly string[]): Scope[] {
  return SCOPES.filter((scope) => scopes.includes(scope))
}

function checkName(name: string): string {
  const trimmed = name.trim()
  if (trimmed === '' || trimmed.length > NAME_MAX_LENGTH || CONTROL.test(trimmed)) {
    throw new CgError('E_USAGE', `a token name is 1 to ${NAME_MAX_LENGTH} printable characters saying what the token is for`, { location: { parameter: 'name' } })
  }
  return trimmed
}

function checkScopes(scopes: readonly string[]): Scope[] {
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope))
  if (unknown.length > 0 || scopes.length === 0) {
    const what = unknown.length > 0 ? `unknown scope ${unknown.map((scope) => `"${scope}"`).join(', ')}` : 'no scope given'
    throw new CgError('E_USAGE', `${what}; allowed scopes: ${SCOPES.join(', ')}`, { location: { parameter: 'scopes' } })
  }
  return knownScopes(scopes)
}

function checkSubject(subject: string | null): string | null {
  if (subject === null) return null
  const trimmed = subject.trim()
  if (EMAIL.test(trimmed)) return trimmed.toLowerCase()
  if (parseRecordRef(trimmed)) return trimmed
  throw new CgError('E_USAGE', `subject "${trimmed}" is neither an email nor a record reference (system:objectType:sourceId)`, {
    location: { parameter: 'subject' },
  })
}
