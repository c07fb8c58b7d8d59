import { describe, expect, it } from 'vitest'
import { foldText } from './fold.ts'

describe('foldText', () => {
  it('lower-cases ASCII without touching anything else', () => {
    expect(foldText('Ada Lovelace, Inc.')).toBe('ada lovelace, inc.')
  })

  it('folds Latin diacritics and special letters to ASCII, composed or not', () => {
    expect(foldText('Zoë Ångström Ľubica Çağla Íñigo Håkan')).toBe('zoe angstrom lubica cagla inigo hakan')
    expect(foldText('Zoe\u0308')).toBe('zoe')
    expect(foldText('ØSTERGAARD Łódź STRAẞE Æther Œuvre Đorđe')).toBe('ostergaard lodz strasse aether oeuvre dorde')
  })

  it('turns full-width letters and ligatures into plain ones', () => {
    expect(foldText('Ａｃｍｅ ﬁnance')).toBe('acme finance')
  })

  it('keeps the letters of other scripts, including kana voicing and Indic vowel signs', () => {
    expect(foldText('ガギ')).toBe('ガギ')
    expect(foldText('김민준')).toBe('김민준')
    expect(foldText('सिद्धार्थ')).toBe('सिद्धार्थ')
    expect(foldText('Юлия')).toBe('юлия')
  })
})
