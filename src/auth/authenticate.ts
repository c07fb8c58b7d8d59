/**
 * Turns an HTTP Authorization header into the Principal the lookup is called with. Every refusal is the
 * same E_AUTH until the secret has matched, so a caller without the secret learns nothing about which
 * token ids exist, were revoked or expired.
 */
import type { Kysely } from 'kysely'
import type { Clock } from '../deps.ts'
import { CgError } from '../errors.ts'
import type { Principal } from '../lookup/lookup-schema.ts'
import type { DB } from '../schema/database.ts'
import { hashSecret, parseToken, sameHash } from './token-secret.ts'
import { knownScopes } from './tokens.ts'

/** last_used_at is a hint for whoever reviews tokens, not a log: one write a minute per token at most. */
const LAST_USED_RESOLUTION_MS = 60_000
// A digest no secret hashes to in practice, compared against when the id is unknown so that an unknown
// id costs the same work as a wrong secret.
const NO_HASH = '0'.repeat(64)

export async function authenticate(db: Kysely<DB>, authorization: string | undefined, clock: Clock): Promise<Principal> {
  if (authorization === undefined || authorization.trim() === '') {
    throw refused('no bearer token: send "Authorization: Bearer cgt_…"; customer-graph token create makes one')
  }
  const match = /^Bearer +(\S+) *$/i.exec(authorization)
  const parsed = match ? parseToken(match[1]!) : null
  if (!parsed) throw refused('the Authorization header is not "Bearer cgt_…" with a customer-graph token')

  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', parsed.id).executeTakeFirst()
  const matches = sameHash(hashSecret(parsed.secret), row?.secret_hash ?? NO_HASH)
  if (!row || !matches) throw refused('the bearer token is not valid; customer-graph token create makes one')

  const now = clock.now()
  if (row.revoked_at) throw refused(`token ${row.id} was revoked at ${row.revoked_at.toISOString()}`)
  if (row.expires_at && row.expires_at <= now) throw refused(`token ${row.id} expired at ${row.expires_at.toISOString()}`)

  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', new Date(now.getTime() - LAST_USED_RESOLUTION_MS))]))
      .execute()
  }
  return { id: row.id, surface: 'http', scopes: new Set(knownScopes(row.scopes)), subject: row.subject }
}

function refused(message: string): CgError {
  return new CgError('E_AUTH', message, { location: { parameter: 'Authorization' } })
}
