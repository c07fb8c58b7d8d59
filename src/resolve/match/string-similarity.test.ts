import { describe, expect, it } from 'vitest'
import { damerauLevenshtein, jaro, jaroWinkler, jaroWinklerAtLeast, withinOneEdit } from './string-similarity.ts'

describe('jaro and jaroWinkler', () => {
  it('match the published values', () => {
    // Winkler (1990) and the usual textbook examples.
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.9444, 4)
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4)
    expect(jaro('dwayne', 'duane')).toBeCloseTo(0.8222, 4)
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 4)
    expect(jaro('dixon', 'dicksonx')).toBeCloseTo(0.7667, 4)
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4)
    expect(jaro('crate', 'trace')).toBeCloseTo(0.7333, 4)
  })

  it('is 1 for equal strings, 0 for empty or disjoint ones, and symmetric', () => {
    expect(jaroWinkler('smith', 'smith')).toBe(1)
    expect(jaroWinkler('', 'smith')).toBe(0)
    expect(jaroWinkler('', '')).toBe(0)
    expect(jaroWinkler('abc', 'xyz')).toBe(0)
    expect(jaroWinkler('jellyfish', 'smellyfish')).toBeCloseTo(jaroWinkler('smellyfish', 'jellyfish'), 12)
  })
})

describe('jaroWinklerAtLeast', () => {
  it('answers as comparing jaroWinkler with the threshold does, on random and near-equal strings', () => {
    let seed = 11
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const word = (alphabet: string) => Array.from({ length: Math.floor(random() * 9) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
    for (let round = 0; round < 20_000; round++) {
      const alphabet = random() < 0.5 ? 'aeiouy' : 'abcdefghijklmnopqrstuvwxyz0123456789-'
      const a = word(alphabet)
      const b = random() < 0.5 ? word(alphabet) : a.slice(0, Math.floor(random() * (a.length + 1))) + word(alphabet).slice(0, 2)
      for (const threshold of [0, 0.5, 0.8, 0.92, 1]) expect(jaroWinklerAtLeast(a, b, threshold), `${a} ${b} ${threshold}`).toBe(jaroWinkler(a, b) >= threshold)
    }
  })
})

describe('damerauLevenshtein', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3)
    expect(damerauLevenshtein('saturday', 'sunday')).toBe(3)
    expect(damerauLevenshtein('1804974', '1809474')).toBe(1)
    expect(damerauLevenshtein('', 'abc')).toBe(3)
    expect(damerauLevenshtein('abc', 'abc')).toBe(0)
  })

  it('is the unrestricted distance: a swapped pair may be edited again', () => {
    // Optimal string alignment would say 3 here.
    expect(damerauLevenshtein('ca', 'abc')).toBe(2)
  })
})

describe('withinOneEdit', () => {
  it('accepts one substitution, insertion, deletion or adjacent swap', () => {
    expect(withinOneEdit('2119', '2119')).toBe(true)
    expect(withinOneEdit('2119', '2118')).toBe(true)
    expect(withinOneEdit('2119', '21190')).toBe(true)
    expect(withinOneEdit('2119', '219')).toBe(true)
    expect(withinOneEdit('2119', '1219')).toBe(true)
  })

  it('rejects two edits', () => {
    expect(withinOneEdit('2119', '2991')).toBe(false)
    expect(withinOneEdit('2119', '21')).toBe(false)
    expect(withinOneEdit('abc', 'xbz')).toBe(false)
  })
})
