import { describe, expect, it } from 'vitest'
import { storableJson, storableText } from './storable.ts'

describe('storableText', () => {
  it('replaces NUL and lone surrogates, keeps everything else', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb')
    expect(storableText('x\uD800y')).toBe('x\uFFFDy')
    expect(storableText('\uDC00')).toBe('\uFFFD')
    expect(storableText('Zoë 😀 ok')).toBe('Zoë 😀 ok')
  })
})

describe('storableJson', () => {
  it('cleans strings and keys at any depth and returns the same object when clean', () => {
    const clean = { a: ['x', { b: 1 }] }
    expect(storableJson(clean)).toBe(clean)
    expect(storableJson({ 'k\u0000': [{ v: 'a\u0000' }], n: 1 })).toEqual({ 'k\uFFFD': [{ v: 'a\uFFFD' }], n: 1 })
  })
})
