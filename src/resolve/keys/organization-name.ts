import { foldText } from './fold.ts'

/**
 * Organisation name keys: 'Acme, Inc.', 'ACME Incorporated' and 'The Acme Company' are one
 * company as far as a name can tell, so they get one comparison key ('acme').
 *
 * Decisions:
 * - Diacritics fold to the bare letter (Müller → muller, Nestlé → nestle), via {@link foldText}:
 *   language-independent and what ASCII-only systems store. 'Mueller' stays 'mueller'; that
 *   one-letter difference is for the fuzzy matcher (see {@link organizationNameTokens}).
 * - "Company"/"Co" are legal-form words and are dropped at the end, like Inc and Ltd: 'Acme Co.',
 *   'Acme Company' and 'Acme, Inc.' are the same registered entity in practice. Words that often
 *   name a different entity in the same family (Group, Holdings, International) are kept.
 * - Legal forms are removed only at the ends, never in the middle, and never the last remaining
 *   word: 'BT' stays 'bt', 'The Limited' stays 'limited'.
 * - Runs of single letters are joined, so dotted and spaced forms agree: 'N.V.' = 'NV',
 *   'S.A. de C.V.' = 'SA de CV', 'I.B.M.' = 'IBM', 'AT&T' = 'AT & T' → 'at and t'.
 * - Apostrophes vanish (McDonald's → mcdonalds); other punctuation, hyphens included, separates words.
 * - Placeholders that CRMs fill in when there is no company ('[not provided]', 'N/A', 'Self-employed')
 *   and a lone legal form ('Inc.', 'LLC', 'The Company') give undefined, like empty input.
 */

/** Legal forms removed from the end of a name, as folded word sequences (after single letters are joined). */
const SUFFIX_FORMS: readonly string[] = [
  // English-speaking
  'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'cos', 'ltd', 'limited', 'llc', 'pllc', 'llp', 'lllp',
  'lp', 'plc', 'cic', 'pty', 'pty ltd', 'proprietary limited', 'pvt', 'pvt ltd', 'private limited', 'pte', 'pte ltd',
  'public limited company', 'limited liability company', 'limited liability partnership', 'limited partnership',
  // German-speaking
  'gmbh', 'mbh', 'ag', 'kg', 'kgaa', 'ohg', 'ug', 'gbr', 'se', 'aktiengesellschaft',
  'gesellschaft mit beschrankter haftung', 'haftungsbeschrankt',
  // French, Spanish, Portuguese, Italian
  'sa', 'sas', 'sasu', 'sarl', 'eurl', 'sca', 'scs', 'snc', 'societe anonyme', 'cie', 'cia', 'sl', 'slu', 'sll', 'sau',
  'sa de cv', 'sab de cv', 'sapi de cv', 's de rl', 's de rl de cv', 'sociedad anonima', 'sociedad limitada', 'ltda',
  'lda', 'eireli', 'srl', 'srls', 'spa', 'sapa', 'societa per azioni',
  // Benelux and Nordics
  'bv', 'bvba', 'nv', 'vof', 'cv', 'naamloze vennootschap', 'naamlooze vennootschap', 'besloten vennootschap', 'ab', 'publ', 'hb', 'kb',
  'aktiebolag', 'as', 'asa', 'ans', 'aksjeselskap', 'aps', 'ivs', 'amba', 'aktieselskab', 'anpartsselskab', 'oy', 'oyj',
  'osakeyhtio', 'ehf', 'hf',
  // Central and Eastern Europe
  'sro', 'spol sro', 'doo', 'dd', 'kft', 'zrt', 'nyrt', 'bt', 'ou', 'uab', 'sia', 'ood', 'eood', 'sp zoo', 'spzoo', 'jsc',
  'pjsc', 'ojsc', 'cjsc', 'ooo', 'oao', 'zao', 'pao', 'ооо', 'оао', 'зао', 'пао',
  // "& Co." in several languages, as in 'Müller GmbH & Co. KG' and 'Smith y Cía'
  'and co', 'and company', 'und co', 'u co', 'et co', 'et cie', 'and cie', 'y cia', 'e cia', 'og co', 'och co',
  // Asia
  'kk', 'kabushiki kaisha', 'yugen kaisha', 'godo kaisha', 'sdn bhd', 'bhd', 'tbk',
]

/**
 * Words and legal forms removed from the start of a name: Dutch, Nordic, Japanese and Russian
 * companies often put the form first (NV Philips, AB SKF, Kabushiki Kaisha Toshiba, ООО Ромашка).
 */
const PREFIX_FORMS: readonly string[] = [
  'the', 'nv', 'bv', 'ab', 'oy', 'naamloze vennootschap', 'naamlooze vennootschap', 'besloten vennootschap',
  'aktiebolaget', 'societe anonyme', 'societe dite', 'kabushiki kaisha', 'yugen kaisha', 'godo kaisha', 'ooo', 'oao',
  'zao', 'pao', 'ооо', 'оао', 'зао', 'пао',
]

/** What CRMs and forms store when there is no organisation. Compared with the final key. */
const PLACEHOLDERS: ReadonlySet<string> = new Set([
  'na', 'none', 'null', 'nil', 'unknown', 'not provided', 'none provided', 'not applicable', 'not available',
  'no company', 'self', 'self employed', 'selfemployed', 'individual', 'private', 'private person', 'personal',
  'freelance', 'freelancer', 'independent', 'retired', 'student', 'unemployed', 'home', 'household', 'homemaker',
  'consumer', 'customer', 'anonymous', 'undefined', 'missing', 'blank', 'empty', 'test', 'dummy', 'sample', 'example',
  'tbd', 'tba', 'x', 'xx', 'xxx', 'other', 'various', 'the', 'company', 'inc', 'llc', 'ltd', 'gmbh', 'corp', 'plc', 'llp',
  'pty',
])

/** Tokens that carry no identity for fuzzy matching (connectives and articles in common languages). */
const STOP_TOKENS: ReadonlySet<string> = new Set([
  'and', 'of', 'the', 'for', 'a', 'an', 'und', 'et', 'y', 'e', 'de', 'la', 'le', 'les', 'du', 'des', 'der', 'die', 'das',
  'von', 'van', 'da', 'do', 'di', 'del', 'della', 'och', 'og', 'en',
])

type FormTable = ReadonlyMap<string, readonly (readonly string[])[]>

/** Indexes forms by their first or last word, longest first, so a lookup tries only plausible forms. */
function formTable(forms: readonly string[], keyWord: 'first' | 'last'): FormTable {
  const table = new Map<string, (readonly string[])[]>()
  for (const form of forms) {
    const words = Object.freeze(form.split(' '))
    const key = (keyWord === 'first' ? words[0] : words[words.length - 1]) ?? ''
    const list = table.get(key) ?? []
    list.push(words)
    table.set(key, list)
  }
  for (const list of table.values()) list.sort((a, b) => b.length - a.length)
  return table
}

const SUFFIXES = formTable(SUFFIX_FORMS, 'last')
const PREFIXES = formTable(PREFIX_FORMS, 'first')

/** Japanese, Chinese and Korean company-type words, written without spaces (株式会社日立製作所, ㈱ → (株)). */
const CJK_FORMS = /^(?:株式会社|有限会社|合同会社|\(株\)|\(有\)|주식회사|\(주\))|(?:株式会社|有限会社|合同会社|股份有限公司|有限公司|\(株\)|\(有\)|주식회사|\(주\))$/g
const NON_ASCII = /[\u0080-\uffff]/
const AMPERSAND = /&/g
/** A web-address name (Amazon.com, Booking.com): the TLD is not part of the name. */
const DOT_TLD = /(?<=[a-z0-9])\.(?:com|net|org|io|ai|co)(?![a-z0-9.])/g
const APOSTROPHES = /['’‘`´ʼ]/g
const NON_WORD = /[^\p{L}\p{N}\p{M}]+/gu

/**
 * The comparison key of an organisation name, or undefined when nothing identifying is left.
 * 'Acme, Inc.' = 'ACME Incorporated' = 'The Acme Company' = 'acme'; 'Müller GmbH & Co. KG' = 'muller'.
 */
export function normalizeOrganizationName(raw: string | null | undefined): string | undefined {
  const words = keyWords(raw)
  return words === undefined ? undefined : words.join(' ')
}

/**
 * The distinct words of the key without connectives and articles, for fuzzy matching and
 * blocking: 'The Bank of Nova Scotia' → ['bank', 'nova', 'scotia']. Empty when there is no key.
 * Generic business words (group, solutions, services) are kept: weighting them is the matcher's job.
 */
export function organizationNameTokens(raw: string | null | undefined): string[] {
  const words = keyWords(raw)
  if (words === undefined) return []
  const tokens: string[] = []
  for (const word of words) if (!STOP_TOKENS.has(word) && !tokens.includes(word)) tokens.push(word)
  return tokens.length > 0 ? tokens : words
}

function keyWords(raw: string | null | undefined): string[] | undefined {
  if (raw === null || raw === undefined) return undefined
  let text = foldText(raw.trim())
  if (NON_ASCII.test(text)) text = text.replace(CJK_FORMS, ' ')
  text = text
    .replace(AMPERSAND, ' and ')
    .replace(DOT_TLD, '')
    .replace(APOSTROPHES, '')
    .replace(NON_WORD, ' ')
    .trim()
  if (text === '') return undefined
  const words = stripForms(joinSingleLetters(text.split(' ')))
  // Every placeholder is one or two words: skip the join for longer names.
  return words.length <= 2 && PLACEHOLDERS.has(words.join(' ')) ? undefined : words
}

/** ['s', 'a', 'de', 'c', 'v'] → ['sa', 'de', 'cv']: dotted abbreviations become one word. */
function joinSingleLetters(words: string[]): string[] {
  let out: string[] | undefined
  let run = ''
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? ''
    const single = word.length === 1 && word >= 'a' && word <= 'z'
    const next = words[i + 1]
    if (single && (run !== '' || (next !== undefined && next.length === 1 && next >= 'a' && next <= 'z'))) {
      out ??= words.slice(0, i)
      run += word
      continue
    }
    if (run !== '') {
      out?.push(run)
      run = ''
    }
    out?.push(word)
  }
  if (run !== '') out?.push(run)
  return out ?? words
}

/** Prefixes first, so 'The Limited' keeps 'limited' (the last word is never removed). */
function stripForms(words: string[]): string[] {
  let start = 0
  let end = words.length
  prefixes: while (end - start > 1) {
    for (const form of PREFIXES.get(words[start] ?? '') ?? []) {
      if (form.length < end - start && matchesAt(words, start, form)) {
        start += form.length
        continue prefixes
      }
    }
    break
  }
  suffixes: while (end - start > 1) {
    for (const form of SUFFIXES.get(words[end - 1] ?? '') ?? []) {
      if (form.length < end - start && matchesAt(words, end - form.length, form)) {
        end -= form.length
        continue suffixes
      }
    }
    break
  }
  return start === 0 && end === words.length ? words : words.slice(start, end)
}

function matchesAt(words: readonly string[], at: number, form: readonly string[]): boolean {
  for (let i = 0; i < form.length; i++) if (words[at + i] !== form[i]) return false
  return true
}
