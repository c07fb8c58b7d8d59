import { describe, expect, it } from 'vitest'
import { canonicalJson, contentHash } from './content-hash.ts'

describe('contentHash', () => {
  it('ignores key order and undefined values, at every depth', () => {
    expect(contentHash({ b: 1, a: { y: [1, { q: 2, p: 1 }], x: null } })).toBe(
      contentHash({ a: { x: null, y: [1, { p: 1, q: 2 }] }, b: 1, c: undefined }),
    )
  })

  it('tells apart values that differ only in type or array order', () => {
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: '1' }))
    expect(contentHash({ a: [1, 2] })).not.toBe(contentHash({ a: [2, 1] }))
  })

  it('writes canonical JSON', () => {
    expect(canonicalJson({ z: 'é', a: [true, null] })).toBe('{"a":[true,null],"z":"é"}')
  })
})
