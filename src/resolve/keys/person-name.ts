import { foldText } from './fold.ts'
import { NICKNAME_GROUPS } from './nicknames.ts'

/**
 * Person name keys for probabilistic matching (DESIGN §6): folding so 'Zoë Ångström' meets
 * 'Zoe Angstrom', splitting of full names as directories and CRMs write them, and nickname groups
 * so 'Bob' can be 'Robert'.
 */

const APOSTROPHES = /['’‘`´ʼ]/g
const NON_NAME = /[^\p{L}\p{N}\p{M}]+/gu

/**
 * Comparison form of a name: lower-case ASCII for Latin scripts (NFKD, accents dropped, ø → o,
 * ß → ss, æ → ae, ł → l; umlauts to the bare vowel, so Müller = Muller), whitespace collapsed.
 * Apostrophes join (O'Brien = OBrien = obrien: systems disagree on keeping them); hyphens and other
 * punctuation separate words (Jean-Luc = Jean Luc, Smith-Jones = Smith Jones). Empty when no letters or digits.
 */
export function foldName(raw: string): string {
  return foldText(raw).replace(APOSTROPHES, '').replace(NON_NAME, ' ').trim()
}

export interface NameParts {
  readonly given: string | undefined
  /** Middle names and initials, space-separated. */
  readonly middle: string | undefined
  /** Includes particles: 'van Beethoven', 'de la Cruz'. */
  readonly family: string | undefined
  /** A name in quotes or brackets: 'Robert "Bob" Smith' → Bob. */
  readonly nickname: string | undefined
}

const NO_NAME: NameParts = Object.freeze({ given: undefined, middle: undefined, family: undefined, nickname: undefined })

/** Courtesy titles and honorifics before a name (compared without dots, lower-case). */
const PREFIXES: ReadonlySet<string> = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'professor', 'sir', 'dame', 'lord', 'lady', 'rev', 'revd', 'reverend',
  'fr', 'hon', 'herr', 'frau', 'mme', 'mlle', 'sr', 'sra', 'srta', 'dott', 'ing', 'mag', 'capt', 'col', 'gen', 'lt',
  'maj', 'sgt', 'adm', 'cmdr',
])

/** Generational suffixes and post-nominal letters after a name. Omits ones that are also surnames (Ba, Do, Ma). */
const SUFFIXES: ReadonlySet<string> = new Set([
  'jr', 'jnr', 'sr', 'snr', 'ii', 'iii', 'iv', '2nd', '3rd', 'phd', 'md', 'dds', 'dmd', 'esq', 'esquire', 'cpa', 'mba',
  'dvm', 'rn', 'jd', 'cfa', 'msc', 'bsc', 'llm', 'lld', 'edd', 'psyd', 'obe', 'mbe', 'cbe', 'kbe', 'frcs', 'facs', 'pmp',
  'ret', 'retd',
])

/** Lower-case particles that start a family name: Ludwig van Beethoven, Maria de la Cruz. */
const PARTICLES: ReadonlySet<string> = new Set([
  'van', 'von', 'der', 'den', 'ter', 'ten', 'de', 'del', 'della', 'di', 'da', 'dos', 'das', 'du', 'la', 'le', 'st',
  'bin', 'ibn', 'al', 'el', 'mac',
])

/** Bracketed labels that are not nicknames: pronouns, status, employment type. */
const NOT_NICKNAMES: ReadonlySet<string> = new Set([
  'he', 'him', 'she', 'her', 'they', 'them', 'contractor', 'external', 'guest', 'vendor', 'consultant', 'intern',
  'temp', 'ooo', 'away', 'admin', 'bot', 'deactivated', 'inactive', 'former',
])

const WHITESPACE = /\s+/g
const DOTS = /\./g
/** "Ada Lovelace | Acme", "Ada Lovelace - Acme": chat display names with a company or status appended. */
const APPENDIX = /\s[|–—-]\s.*$/
/** (Bob), "Bob", “Bob”, and 'Bob' when it stands alone (not the apostrophe of O'Brien). */
const BRACKETED = /\(([^()]*)\)|"([^"]*)"|“([^”]*)”|(?<=^|\s)'([^'\s]+)'(?=\s|$)/g
const NICKNAME_WORD = /^[\p{L}'’-]+$/u

/**
 * Splits a full name into given, middle and family names: 'Dr. Ada M. Lovelace, PhD',
 * 'Lovelace, Ada', 'Ludwig van Beethoven', 'Robert "Bob" Smith Jr.'. Keeps the words as written
 * (fold them with {@link foldName} to compare). A lone word is a given name unless a title preceded
 * it ('Dr. Smith'). Family-name-first orders without a comma (many East Asian names) cannot be
 * told from the text and come out reversed.
 */
export function splitFullName(full: string | null | undefined): NameParts {
  if (full === null || full === undefined) return NO_NAME
  let text = full.replace(WHITESPACE, ' ').trim()
  if (text === '' || text.includes('@')) return NO_NAME
  text = text.replace(APPENDIX, '')

  let nickname: string | undefined
  if (text.includes('(') || text.includes('"') || text.includes('“') || text.includes("'")) {
    text = text
      .replace(BRACKETED, (_match, paren?: string, straight?: string, curly?: string, single?: string) => {
        const inner = (paren ?? straight ?? curly ?? single ?? '').trim()
        if (nickname === undefined && NICKNAME_WORD.test(inner) && !NOT_NICKNAMES.has(inner.toLowerCase())) nickname = inner
        return ' '
      })
      .replace(WHITESPACE, ' ')
      .trim()
  }

  const parts = (text.includes(',') ? text.split(',') : [text])
    .map((part) => part.trim())
    .filter((part) => part !== '' && !isOnlySuffixes(part))
  const [first, second] = parts
  if (first === undefined) return nickname === undefined ? NO_NAME : { ...NO_NAME, nickname }

  if (second !== undefined) {
    // "Lovelace, Ada M." (directory order).
    const familyWords = withoutSuffixes(withoutPrefixes(first.split(' ')).words)
    const givenWords = withoutSuffixes(withoutPrefixes(second.split(' ')).words)
    return {
      given: givenWords[0],
      middle: joinWords(givenWords, 1, givenWords.length),
      family: joinWords(familyWords, 0, familyWords.length),
      nickname,
    }
  }

  const { words: afterPrefixes, titled } = withoutPrefixes(first.split(' '))
  const words = withoutSuffixes(afterPrefixes)
  if (words.length === 1) return titled ? { ...NO_NAME, family: words[0], nickname } : { ...NO_NAME, given: words[0], nickname }
  let familyStart = words.length - 1
  while (familyStart > 1 && PARTICLES.has(affixKey(words[familyStart - 1] ?? ''))) familyStart--
  return {
    given: words[0],
    middle: joinWords(words, 1, familyStart),
    family: joinWords(words, familyStart, words.length),
    nickname,
  }
}

const affixKey = (word: string): string => word.toLowerCase().replace(DOTS, '')

function withoutPrefixes(words: string[]): { words: string[]; titled: boolean } {
  let start = 0
  while (words.length - start > 1 && PREFIXES.has(affixKey(words[start] ?? ''))) start++
  return { words: start === 0 ? words : words.slice(start), titled: start > 0 }
}

function withoutSuffixes(words: string[]): string[] {
  let end = words.length
  while (end > 1 && SUFFIXES.has(affixKey(words[end - 1] ?? ''))) end--
  return end === words.length ? words : words.slice(0, end)
}

function isOnlySuffixes(part: string): boolean {
  return part.split(' ').every((word) => SUFFIXES.has(affixKey(word)))
}

function joinWords(words: readonly string[], start: number, end: number): string | undefined {
  return end > start ? words.slice(start, end).join(' ') : undefined
}

/**
 * Folded name → the ids of every group it belongs to. Names with the same set of groups share one
 * frozen array, so `nicknameGroup('Bob') === nicknameGroup('Robert')` holds by identity.
 */
const GROUPS_BY_NAME: ReadonlyMap<string, readonly string[]> = (() => {
  const ids = new Map<string, string[]>()
  for (const line of NICKNAME_GROUPS) {
    const names = line.split(' ')
    const id = names[0] ?? ''
    for (const name of names) {
      const list = ids.get(name) ?? []
      if (!list.includes(id)) list.push(id)
      ids.set(name, list)
    }
  }
  const shared = new Map<string, readonly string[]>()
  const byName = new Map<string, readonly string[]>()
  for (const [name, list] of ids) {
    const key = list.sort().join(' ')
    let frozen = shared.get(key)
    if (frozen === undefined) {
      frozen = Object.freeze(list)
      shared.set(key, frozen)
    }
    byName.set(name, frozen)
  }
  return byName
})()

/**
 * The nickname groups of a given name, as canonical group ids (the formal name): 'Bob', 'Robbie'
 * and 'Robert' → ['robert']; 'Alex' → ['alexander', 'alexandra', …]. Undefined for a name in no
 * group, so compare only defined results. A multi-word given name ('Mary Ann') falls back to its first word.
 */
export function nicknameGroup(given: string): readonly string[] | undefined {
  const folded = foldName(given)
  const groups = GROUPS_BY_NAME.get(folded)
  if (groups !== undefined) return groups
  const space = folded.indexOf(' ')
  return space === -1 ? undefined : GROUPS_BY_NAME.get(folded.slice(0, space))
}

/** Whether a folded first word is in a nickname group ({@link nicknameGroup} without folding). */
export function hasNicknameGroup(foldedWord: string): boolean {
  return GROUPS_BY_NAME.has(foldedWord)
}

/** Shortest common beginning that counts as the same name: 'Dan' ~ 'Daniel', but not 'Jo' ~ 'John'. */
const MIN_PREFIX = 3

/**
 * Whether two given names can belong to one person: equal after folding, in a common nickname
 * group (Bob ~ Robert, Alex ~ Alexandra), one the initial of the other (J. ~ John), or one a
 * prefix of the other of at least 3 letters (Chris ~ Christian). Multi-word names compare by their
 * first word. False when either has no letters: missing is not evidence either way, decide that
 * before calling.
 */
export function givenNamesCompatible(a: string, b: string): boolean {
  const foldedA = foldName(a)
  const foldedB = foldName(b)
  if (foldedA === '' || foldedB === '') return false
  if (foldedA === foldedB) return true
  return foldedWordsCompatible(firstWord(foldedA), firstWord(foldedB))
}

/**
 * {@link givenNamesCompatible} for two first words already folded (foldName, first word): what a
 * pass compares pair by pair, so it folds each name once, not once per pair.
 */
export function foldedWordsCompatible(wordA: string, wordB: string): boolean {
  if (wordA === '' || wordB === '') return false
  if (wordA === wordB) return true
  if (isInitialOrPrefix(wordA, wordB) || isInitialOrPrefix(wordB, wordA)) return true
  const groupsA = GROUPS_BY_NAME.get(wordA)
  const groupsB = GROUPS_BY_NAME.get(wordB)
  if (groupsA === undefined || groupsB === undefined) return false
  if (groupsA === groupsB) return true
  return groupsA.some((id) => groupsB.includes(id))
}

/** 'j' of 'john', or 'chris' of 'christian'. */
function isInitialOrPrefix(short: string, long: string): boolean {
  return short.length < long.length && (short.length === 1 || short.length >= MIN_PREFIX) && long.startsWith(short)
}

function firstWord(folded: string): string {
  const space = folded.indexOf(' ')
  return space === -1 ? folded : folded.slice(0, space)
}
