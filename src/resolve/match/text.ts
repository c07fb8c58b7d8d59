import { foldName as foldNameWords, foldText as foldLetters } from '../keys/index.ts'

/**
 * Text forms the comparators and blocking keys need on top of the shared key normalisers
 * (src/resolve/keys/): words for free text, letters only for names, address spellings, Soundex.
 */

const NON_ALPHANUMERIC = /[^\p{L}\p{N}]+/gu

/** Lower case, diacritics folded (the keys' foldText), every run of punctuation or space one space. */
export function foldText(value: string): string {
  return foldLetters(value).replace(NON_ALPHANUMERIC, ' ').trim()
}

/**
 * A name as one run of letters ("O'Brien-Smith" → "obriensmith", "Van der Berg" → "vanderberg"), so
 * spacing and punctuation, which sources handle differently, never count as typos.
 */
export function foldName(value: string): string {
  return foldNameWords(value).replace(/ /g, '')
}

/** Tokens of folded text. */
export function tokenize(value: string): string[] {
  const folded = foldText(value)
  return folded === '' ? [] : folded.split(' ')
}

/** Sorted distinct values. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort()
}

/** American Soundex code of a folded name ("robert" → "r163"); empty for a name without letters. */
export function soundex(name: string): string {
  const letters = name.replace(/[^a-z]/g, '')
  const first = letters[0]
  if (first === undefined) return ''
  let code = first
  let previous = soundexDigit(first)
  for (let i = 1; i < letters.length && code.length < 4; i++) {
    const letter = letters[i] ?? ''
    const digit = soundexDigit(letter)
    if (digit !== '' && digit !== previous) code += digit
    // h and w do not separate equal codes; vowels do.
    if (letter !== 'h' && letter !== 'w') previous = digit
  }
  return code.padEnd(4, '0')
}

function soundexDigit(letter: string): string {
  if ('bfpv'.includes(letter)) return '1'
  if ('cgjkqsxz'.includes(letter)) return '2'
  if ('dt'.includes(letter)) return '3'
  if (letter === 'l') return '4'
  if ('mn'.includes(letter)) return '5'
  if (letter === 'r') return '6'
  return ''
}

/** Street-type and direction words in one spelling, so "W. Arthington Street" reads as "w arthington st". */
const ADDRESS_ABBREVIATIONS = new Map([
  ['street', 'st'], ['avenue', 'ave'], ['av', 'ave'], ['road', 'rd'], ['boulevard', 'blvd'], ['drive', 'dr'],
  ['place', 'pl'], ['court', 'ct'], ['lane', 'ln'], ['parkway', 'pkwy'], ['highway', 'hwy'], ['terrace', 'ter'],
  ['square', 'sq'], ['circle', 'cir'], ['crescent', 'cres'], ['north', 'n'], ['south', 's'], ['east', 'e'],
  ['west', 'w'], ['suite', 'ste'], ['floor', 'fl'], ['apartment', 'apt'], ['first', '1'], ['second', '2'],
  ['third', '3'], ['fourth', '4'], ['fifth', '5'],
])

/** Words of an address that only qualify the street name: types and directions. */
const ADDRESS_QUALIFIERS = new Set([
  'st', 'ave', 'rd', 'blvd', 'dr', 'pl', 'ct', 'ln', 'pkwy', 'hwy', 'ter', 'sq', 'cir', 'cres', 'n', 's', 'e', 'w',
])

/** Address tokens in one spelling, ordinals reduced to their number ("113th" → "113"). */
export function addressTokens(value: string): string[] {
  return tokenize(value).map((token) => {
    const ordinal = /^(\d+)(st|nd|rd|th)$/.exec(token)
    if (ordinal?.[1] !== undefined) return ordinal[1]
    return ADDRESS_ABBREVIATIONS.get(token) ?? token
  })
}

export function isAddressQualifier(token: string): boolean {
  return ADDRESS_QUALIFIERS.has(token)
}
