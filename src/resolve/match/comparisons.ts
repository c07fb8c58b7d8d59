import { givenNamesCompatible } from '../keys/index.ts'
import { damerauLevenshtein, jaroWinkler, withinOneEdit } from './string-similarity.ts'
import type { Comparison, FieldName, PreparedRecord, PreparedValue } from './types.ts'

/**
 * Compares two present values and returns a level index (1 = best). The missing level (0) is
 * decided before, by the comparison wrapper, from the field alone.
 */
type ValueComparator = (a: PreparedValue, b: PreparedValue, recordA: PreparedRecord, recordB: PreparedRecord) => number

function comparison(field: FieldName, levels: readonly string[], compareValues: ValueComparator): Comparison {
  return {
    field,
    levels: ['missing', ...levels],
    compare(a, b) {
      const valueA = a.values[field]
      const valueB = b.values[field]
      if (valueA === undefined || valueB === undefined) return 0
      return compareValues(valueA, valueB, a, b)
    },
  }
}

/** The index (1-based, after "missing") of the first threshold the similarity reaches, or past the last. */
function thresholdLevel(similarity: number, thresholds: readonly number[], offset: number): number {
  for (let i = 0; i < thresholds.length; i++) if (similarity >= (thresholds[i] ?? 1)) return offset + i
  return offset + thresholds.length
}

const JW_THRESHOLDS = [0.94, 0.88, 0.7] as const

/** Free text: exact, then Jaro–Winkler bands. */
function textComparison(field: FieldName): Comparison {
  return comparison(field, ['exact', 'jw>=0.94', 'jw>=0.88', 'jw>=0.7', 'different'], (a, b) =>
    a.text === b.text ? 1 : thresholdLevel(jaroWinkler(a.text, b.text), JW_THRESHOLDS, 2),
  )
}

/** Short coded values (states, countries) where similarity of spelling means nothing. */
function exactComparison(field: FieldName): Comparison {
  return comparison(field, ['exact', 'different'], (a, b) => (a.text === b.text ? 1 : 2))
}

/** Numbers and codes: exact, one typo (substitution, insertion, deletion, adjacent swap), different. */
function codeComparison(field: FieldName): Comparison {
  return comparison(field, ['exact', 'one edit', 'different'], (a, b) => {
    if (a.text === b.text) return 1
    return withinOneEdit(a.text, b.text) ? 2 : 3
  })
}

/** Identifiers are long enough that two typos still say something. */
function idComparison(field: FieldName): Comparison {
  return comparison(field, ['exact', 'one edit', 'two edits', 'different'], (a, b) => {
    if (a.text === b.text) return 1
    if (withinOneEdit(a.text, b.text)) return 2
    const close = Math.min(a.text.length, b.text.length) >= 5 && Math.abs(a.text.length - b.text.length) <= 2
    if (close && damerauLevenshtein(a.text, b.text) <= 2) return 3
    return 4
  })
}

/**
 * The two records' given and family names, with the second record's pair crossed when that agrees
 * better: swapping given and family name is a frequent data-entry error, and comparing the swapped
 * names as if unswapped would count two agreements as two disagreements. (A separate "swapped"
 * level in each comparison would fire in both at once, an event counted twice, which misleads EM.)
 */
function alignedNames(a: PreparedRecord, b: PreparedRecord): { givenB: PreparedValue | undefined; familyB: PreparedValue | undefined } {
  const givenA = a.values.givenName
  const familyA = a.values.familyName
  const givenB = b.values.givenName
  const familyB = b.values.familyName
  if (givenA === undefined || familyA === undefined || givenB === undefined || familyB === undefined) return { givenB, familyB }
  if (givenA.text === givenB.text && familyA.text === familyB.text) return { givenB, familyB }
  const straight = jaroWinkler(givenA.text, givenB.text) + jaroWinkler(familyA.text, familyB.text)
  const crossed = jaroWinkler(givenA.text, familyB.text) + jaroWinkler(familyA.text, givenB.text)
  return crossed > straight ? { givenB: familyB, familyB: givenB } : { givenB, familyB }
}

/** Nickname groups shared ("bob" and "robert" are both in group "robert"). */
function shareNicknameGroup(a: PreparedValue, b: PreparedValue): boolean {
  const groupsA = a.groups
  const groupsB = b.groups
  return groupsA !== undefined && groupsB !== undefined && (groupsA === groupsB || groupsA.some((group) => groupsB.includes(group)))
}

/**
 * Given names (aligned, see alignedNames): exact, nickname variants, spelling bands, then an
 * initial or a prefix of at least three letters ("J" / "John", "Chris" / "Christabel").
 */
function givenNameComparison(): Comparison {
  const levels = ['missing', 'exact', 'nickname', 'jw>=0.94', 'jw>=0.88', 'initial or prefix', 'jw>=0.7', 'different']
  return {
    field: 'givenName',
    levels,
    compare(recordA, recordB) {
      const a = recordA.values.givenName
      const b = alignedNames(recordA, recordB).givenB
      if (a === undefined || b === undefined) return 0
      if (a.text === b.text) return 1
      if (shareNicknameGroup(a, b)) return 2
      const similarity = jaroWinkler(a.text, b.text)
      if (similarity >= 0.94) return 3
      if (similarity >= 0.88) return 4
      if (givenNamesCompatible(a.text, b.text)) return 5
      return similarity >= 0.7 ? 6 : 7
    },
  }
}

/** Family names (aligned, see alignedNames): exact, then spelling bands. */
function familyNameComparison(): Comparison {
  return {
    field: 'familyName',
    levels: ['missing', 'exact', 'jw>=0.94', 'jw>=0.88', 'jw>=0.7', 'different'],
    compare(recordA, recordB) {
      const a = recordA.values.familyName
      const b = alignedNames(recordA, recordB).familyB
      if (a === undefined || b === undefined) return 0
      return a.text === b.text ? 1 : thresholdLevel(jaroWinkler(a.text, b.text), JW_THRESHOLDS, 2)
    },
  }
}

function middleNameComparison(): Comparison {
  return comparison('middleName', ['exact', 'initial', 'jw>=0.88', 'different'], (a, b) => {
    if (a.text === b.text) return 1
    if ((a.text.length === 1 || b.text.length === 1) && a.text[0] === b.text[0]) return 2
    return jaroWinkler(a.text, b.text) >= 0.88 ? 3 : 4
  })
}

/** Full names: same tokens in the same or another order, then spelling bands over the whole. */
function fullNameComparison(): Comparison {
  return comparison('fullName', ['exact', 'same tokens reordered', 'jw>=0.94', 'jw>=0.88', 'token overlap>=0.5', 'different'], (a, b) => {
    if (a.text === b.text) return 1
    if (a.tokens.join(' ') === b.tokens.join(' ')) return 2
    const similarity = jaroWinkler(a.text, b.text)
    if (similarity >= 0.94) return 3
    if (similarity >= 0.88) return 4
    return tokenJaccard(a.tokens, b.tokens, 0.92) >= 0.5 ? 5 : 6
  })
}

/** Dates: exact, one of year/month/day differs, day and month swapped, within a year, different. */
function dateComparison(field: FieldName): Comparison {
  return comparison(field, ['exact', 'one component differs', 'day-month swapped', 'within a year', 'different'], (a, b) => {
    if (a.text === b.text) return 1
    const [yearA, monthA, dayA] = a.parts
    const [yearB, monthB, dayB] = b.parts
    if (monthA !== '' && monthB !== '') {
      const same = Number(yearA === yearB) + Number(monthA === monthB) + Number(dayA === dayB)
      if (same === 2) return 2
      if (yearA === yearB && monthA === dayB && dayA === monthB) return 3
    }
    if (a.day !== undefined && b.day !== undefined && Math.abs(a.day - b.day) <= 366) return 4
    return 5
  })
}

/**
 * Emails: exact, same local part at another domain (a person moving or a typo in the domain), a
 * similar local part, different.
 */
function emailComparison(): Comparison {
  return comparison('email', ['exact', 'same local part', 'local part jw>=0.88', 'different'], (a, b) => {
    if (a.text === b.text) return 1
    const localA = a.parts[0] ?? ''
    const localB = b.parts[0] ?? ''
    if (localA === localB) return 2
    return jaroWinkler(localA, localB) >= 0.88 ? 3 : 4
  })
}

/**
 * Phones: equal digits, or one number the other with a country or area prefix (a suffix of at
 * least seven digits); then one typo; then different.
 */
function phoneComparison(): Comparison {
  return comparison('phone', ['exact', 'one edit', 'different'], (a, b) => {
    if (a.text === b.text) return 1
    const [shorter, longer] = a.text.length <= b.text.length ? [a.text, b.text] : [b.text, a.text]
    if (shorter.length >= 7 && longer.endsWith(shorter)) return 1
    const tail = longer.slice(longer.length - shorter.length)
    return withinOneEdit(shorter, tail) || withinOneEdit(a.text, b.text) ? 2 : 3
  })
}

/**
 * Street address lines: the house number carries most of the evidence, the street name the rest;
 * type and direction words are ignored because sources add and drop them freely.
 */
function streetAddressComparison(): Comparison {
  return comparison(
    'streetAddress',
    [
      'exact',
      'same number and street',
      'same number, similar street',
      'number one edit, similar street',
      'same number',
      'similar street',
      'different',
    ],
    (a, b) => {
      if (a.text === b.text) return 1
      const [numberA = '', nameA = ''] = a.parts
      const [numberB = '', nameB = ''] = b.parts
      const sameNumber = numberA !== '' && numberA === numberB
      const similarName =
        nameA !== '' &&
        nameB !== '' &&
        (nameA === nameB || jaroWinkler(nameA, nameB) >= 0.88 || tokenJaccard(a.tokens, b.tokens, 0.92) >= 0.5)
      if (sameNumber && nameA === nameB) return 2
      if (sameNumber && similarName) return 3
      if (numberA !== '' && numberB !== '' && similarName && withinOneEdit(numberA, numberB)) return 4
      if (sameNumber) return 5
      return similarName ? 6 : 7
    },
  )
}

/**
 * Organisation names by their token sets (legal forms and fillers removed, tokens matched with
 * typo tolerance): equal, Jaccard bands, with "one name contains the other" ("YMCA North Lawndale"
 * within "YMCA of Metropolitan Chicago North Lawndale") between the first two bands.
 */
function organizationComparison(): Comparison {
  const levels = ['exact', 'jaccard>=0.8', 'one contains the other', 'jaccard>=0.5', 'jaccard>=0.25', 'different']
  return comparison('organization', levels, (a, b) => {
    if (a.text === b.text || a.tokens.join(' ') === b.tokens.join(' ')) return 1
    const shared = sharedTokens(a.tokens, b.tokens, 0.92)
    const jaccard = shared / (a.tokens.length + b.tokens.length - shared)
    if (jaccard >= 0.8) return 2
    if (shared === Math.min(a.tokens.length, b.tokens.length)) return 3
    if (jaccard >= 0.5) return 4
    return jaccard >= 0.25 ? 5 : 6
  })
}

/** Domains: same host, same registrable domain (a subdomain apart), different. */
function domainComparison(field: FieldName): Comparison {
  return comparison(field, ['exact', 'same registrable domain', 'different'], (a, b) => {
    if (a.text === b.text) return 1
    return a.parts[0] === b.parts[0] ? 2 : 3
  })
}

/**
 * Tokens of a that have a partner in b: equal, or (both at least four letters long) Jaro–Winkler
 * at least minSimilarity. Each token of b partners at most one of a. Token lists are short, so the
 * quadratic scan is cheaper than any index.
 */
export function sharedTokens(a: readonly string[], b: readonly string[], minSimilarity: number): number {
  const used = new Uint8Array(b.length)
  let shared = 0
  for (const token of a) {
    let partner = b.indexOf(token)
    if (partner >= 0 && used[partner] === 1) partner = -1
    if (partner < 0 && token.length >= 4) {
      for (let j = 0; j < b.length; j++) {
        const other = b[j] ?? ''
        if (used[j] === 0 && other.length >= 4 && jaroWinkler(token, other) >= minSimilarity) {
          partner = j
          break
        }
      }
    }
    if (partner >= 0) {
      used[partner] = 1
      shared++
    }
  }
  return shared
}

export function tokenJaccard(a: readonly string[], b: readonly string[], minSimilarity: number): number {
  if (a.length === 0 && b.length === 0) return 1
  const shared = sharedTokens(a, b, minSimilarity)
  return shared / (a.length + b.length - shared)
}

/** The comparison of each field kind: the only place that decides how a kind is compared. */
export function comparisonFor(field: FieldName): Comparison {
  switch (field) {
    case 'givenName':
      return givenNameComparison()
    case 'familyName':
      return familyNameComparison()
    case 'middleName':
      return middleNameComparison()
    case 'fullName':
      return fullNameComparison()
    case 'birthDate':
      return dateComparison(field)
    case 'email':
      return emailComparison()
    case 'phone':
      return phoneComparison()
    case 'streetNumber':
    case 'postcode':
      return codeComparison(field)
    case 'idNumber':
      return idComparison(field)
    case 'streetAddress':
      return streetAddressComparison()
    case 'organization':
      return organizationComparison()
    case 'domain':
    case 'website':
      return domainComparison(field)
    case 'region':
    case 'country':
      return exactComparison(field)
    case 'street':
    case 'addressLine2':
    case 'locality':
    case 'city':
    case 'title':
      return textComparison(field)
  }
}
