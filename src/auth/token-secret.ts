/**
 * The shape of an API token and the one-way form it is stored in. A token is `cgt_<id>_<secret>`: the
 * id is public (it names the token in lists and lookup_audit), the secret is 32 random bytes shown once
 * and kept only as its SHA-256, so a copy of the database grants nothing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

const TOKEN = /^cgt_(tok_[0-9a-f]{18})_([A-Za-z0-9_-]{43})$/

export interface NewTokenSecret {
  id: string
  /** The whole token, for the caller to keep: never stored, logged or shown again. */
  token: string
  secretHash: string
}

export function newTokenSecret(): NewTokenSecret {
  const id = `tok_${randomBytes(9).toString('hex')}`
  const secret = randomBytes(32).toString('base64url')
  return { id, token: `cgt_${id}_${secret}`, secretHash: hashSecret(secret) }
}

/** The id and secret of a well-formed token, or null; the id part is hex so the split is unambiguous. */
export function parseToken(text: string): { id: string; secret: string } | null {
  const match = TOKEN.exec(text)
  return match ? { id: match[1]!, secret: match[2]! } : null
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

/** Constant-time comparison of two hex SHA-256 digests, so response time says nothing about a guess. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right)
}
