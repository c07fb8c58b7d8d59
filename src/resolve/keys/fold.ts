/**
 * Shared text folding for name keys: the one place that decides how "Björn Ångström" and
 * "Bjorn Angstrom" become the same string, so person and organisation keys agree.
 */

/** Any character outside ASCII: most values have none and skip Unicode normalisation entirely. */
const NON_ASCII = /[\u0080-\uffff]/

/**
 * Combining marks shared by all scripts (Script=Inherited: the accents of Latin, Greek and
 * Cyrillic, Arabic short vowels). Not all of \p{M}: Indic vowel signs are letters in their own
 * right, and the kana voicing marks (U+3099, U+309A) turn か into が, so both are kept.
 */
const DIACRITICS = /[[\p{Mn}&&\p{Script=Inherited}]--[\u3099\u309a]]+/gv

/** Latin letters that NFKD does not decompose, with their usual ASCII spelling. Lower-case only: folding lower-cases first. */
const LETTER_MAP: Readonly<Record<string, string>> = Object.freeze({
  ø: 'o',
  ł: 'l',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ŀ: 'l',
  ĸ: 'k',
  ŋ: 'n',
})
const SPECIAL_LETTERS = /[øłßæœđðþıħŧŀĸŋ]/g

const mapLetter = (char: string): string => LETTER_MAP[char] ?? char

/**
 * Lower-cases and folds Latin diacritics to ASCII: NFKD (which also turns full-width letters and
 * ligatures into plain ones), drop accents, map ø ł ß æ œ đ þ ı. Umlauts fold to the bare vowel
 * (ü → u, not ue): that is what NFKD gives for every language (Turkish ü, Spanish ü, Swedish å),
 * and what US-keyboard systems store; the German ue spelling is left to fuzzy matching.
 * Text in other scripts is lower-cased and kept (recomposed to NFC).
 */
export function foldText(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase()
  const folded = text.normalize('NFKD').toLowerCase().replace(DIACRITICS, '').replace(SPECIAL_LETTERS, mapLetter)
  return NON_ASCII.test(folded) ? folded.normalize('NFC') : folded
}
