import { describe, expect, it } from 'vitest'
import { hashSecret, newTokenSecret, parseToken, sameHash } from './token-secret.ts'

describe('token secrets', () => {
  it('makes cgt_<id>_<secret> tokens whose parts parse back and whose hash is the secret’s SHA-256', () => {
    const created = newTokenSecret()
    expect(created.token).toMatch(/^cgt_tok_[0-9a-f]{18}_[A-Za-z0-9_-]{43}$/)
    const parsed = parseToken(created.token)
    expect(parsed?.id).toBe(created.id)
    expect(created.token.endsWith(`_${parsed?.secret}`)).toBe(true)
    expect(created.secretHash).toBe(hashSecret(parsed!.secret))
    expect(created.secretHash).toMatch(/^[0-9a-f]{64}$/)
    expect(created.secretHash).not.toContain(parsed!.secret)
  })

  it('never makes the same token twice', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newTokenSecret().token))
    expect(tokens.size).toBe(200)
  })

  it('refuses anything that is not exactly a token', () => {
    const { token } = newTokenSecret()
    for (const text of ['', 'cgt_', token.slice(0, -1), `${token}x`, ` ${token}`, token.replace('cgt_', 'cgx_'), token.replace('tok_', 'tok-')]) {
      expect(parseToken(text)).toBeNull()
    }
  })

  it('compares digests by value and refuses ones of the wrong length', () => {
    const digest = hashSecret('a')
    expect(sameHash(digest, hashSecret('a'))).toBe(true)
    expect(sameHash(digest, hashSecret('b'))).toBe(false)
    expect(sameHash(digest, digest.slice(0, 62))).toBe(false)
    expect(sameHash('', '')).toBe(false)
  })
})
