import { isFreeMailDomain, isGenericMailbox } from '../keys/index.ts'
import { soundex } from './text.ts'
import type { MatchMode, PreparedRecord } from './types.ts'

/**
 * A blocking rule names the records that might match: records sharing a key are compared. A
 * record without the fields a rule needs yields no key and is left to the other rules.
 */
export interface BlockingRule {
  readonly name: string
  keys(record: PreparedRecord): readonly string[]
}

export interface BlockingOptions {
  mode: MatchMode
  /** When linking: records [0, leftCount) are the left source, the rest the right one. */
  leftCount?: number
  rules: readonly BlockingRule[]
  /** Blocks with more records than this are not compared all-to-all but sub-blocked (see windowSize). */
  maxBlockSize: number
  /**
   * An oversized block is sorted by its records' sort keys and each record is compared with this
   * many following ones (sorted neighbourhood), so its cost grows linearly instead of quadratically.
   */
  windowSize: number
}

export const DEFAULT_MAX_BLOCK_SIZE = 100
export const DEFAULT_WINDOW_SIZE = 10

export interface RuleReport {
  rule: string
  blocks: number
  /** Pairs this rule proposed, and how many no earlier rule had. */
  pairs: number
  newPairs: number
  oversizedBlocks: number
  oversizedRecords: number
}

export interface BlockingReport {
  rules: RuleReport[]
  candidatePairs: number
}

/** Candidate pairs as parallel arrays of record indexes, a < b (so a is the left record when linking). */
export interface CandidatePairs {
  readonly a: Int32Array
  readonly b: Int32Array
  readonly count: number
}

function key(...parts: (string | undefined)[]): string[] {
  for (const part of parts) if (part === undefined || part === '') return []
  return [parts.join('|')]
}

/**
 * Rules over the field vocabulary; each is used only where its fields exist. Together they catch a
 * pair if any one of several independent facts agrees exactly, so a typo in one field cannot lose
 * a match on its own.
 */
export function defaultBlockingRules(): BlockingRule[] {
  return [
    { name: 'familyName+birthYear', keys: (r) => key(r.values.familyName?.text, r.values.birthDate?.parts[0]) },
    { name: 'familyName[0:3]+postcode', keys: (r) => key(r.values.familyName?.text.slice(0, 3), r.values.postcode?.text) },
    {
      name: 'soundex(familyName)+givenInitial',
      keys: (r) => key(r.values.familyName && soundex(r.values.familyName.text), r.values.givenName?.text[0]),
    },
    {
      // Either order, so a given/family swap still meets its original.
      name: 'names in any order',
      keys: (r) => {
        const given = r.values.givenName?.text
        const family = r.values.familyName?.text
        return given === undefined || family === undefined ? [] : [[given, family].sort().join('|')]
      },
    },
    {
      // Phonetic codes in either order: a swap plus a typo ("Caleb Rwoe" / "Rowe Caleb").
      name: 'soundex(names) in any order',
      keys: (r) => {
        const given = r.values.givenName?.text
        const family = r.values.familyName?.text
        return given === undefined || family === undefined ? [] : [[soundex(given), soundex(family)].sort().join('|')]
      },
    },
    { name: 'birthDate', keys: (r) => key(r.values.birthDate?.text) },
    { name: 'givenName+birthMonthDay', keys: (r) => key(r.values.givenName?.text, r.values.birthDate?.parts[1], r.values.birthDate?.parts[2]) },
    { name: 'idNumber', keys: (r) => key(r.values.idNumber?.text) },
    { name: 'postcode+streetNumber', keys: (r) => key(r.values.postcode?.text, r.values.streetNumber?.text) },
    { name: 'street+streetNumber', keys: (r) => key(r.values.street?.text, r.values.streetNumber?.text) },
    {
      // A shared mailbox (info@, support@) says nothing about who is who; it is still compared, not blocked on.
      name: 'emailLocalPart',
      keys: (r) => {
        const local = r.values.email?.parts[0]
        return local === undefined || isGenericMailbox(local) ? [] : [local]
      },
    },
    {
      // The last seven digits: the subscriber number, whatever country and area prefixes a source adds.
      name: 'phone',
      keys: (r) => key(r.values.phone?.text.slice(-7)),
    },
    { name: 'fullName tokens', keys: (r) => key(r.values.fullName?.tokens.join(' ')) },
    {
      name: 'organization first two tokens',
      keys: (r) => {
        const parts = r.values.organization?.parts ?? []
        return parts.length === 0 ? [] : [parts.slice(0, 2).join(' ')]
      },
    },
    { name: 'organization first token+postcode', keys: (r) => key(r.values.organization?.parts[0], r.values.postcode?.text) },
    {
      name: 'streetAddress number+name',
      keys: (r) => key(r.values.streetAddress?.parts[0], r.values.streetAddress?.parts[1]),
    },
    {
      name: 'domain',
      keys: (r) => {
        const domain = (r.values.domain ?? r.values.website)?.parts[0]
        return domain === undefined || isFreeMailDomain(domain) ? [] : [domain]
      },
    },
  ]
}

/** A stable text to sort an oversized block by: the record's values, most identifying first. */
function sortKey(record: PreparedRecord): string {
  const v = record.values
  return [v.organization, v.fullName, v.familyName, v.givenName, v.streetAddress, v.birthDate, v.email, v.phone]
    .map((value) => value?.text ?? '')
    .join('\u0001')
}

/**
 * The union of the pairs every rule proposes. Pair identity is lo·n + hi, which stays an exact
 * integer in a double for any n below 2^26.
 */
export function generateCandidates(records: readonly PreparedRecord[], options: BlockingOptions): { pairs: CandidatePairs; report: BlockingReport } {
  const n = records.length
  const seen = new Set<number>()
  const pairsA: number[] = []
  const pairsB: number[] = []
  const reports: RuleReport[] = []
  const linking = options.mode === 'link'
  const leftCount = options.leftCount ?? n
  let sortKeys: string[] | undefined

  for (const rule of options.rules) {
    const blocks = new Map<string, number[]>()
    for (const record of records) {
      for (const blockKey of rule.keys(record)) {
        const members = blocks.get(blockKey)
        if (members === undefined) blocks.set(blockKey, [record.index])
        else members.push(record.index)
      }
    }
    const report: RuleReport = { rule: rule.name, blocks: 0, pairs: 0, newPairs: 0, oversizedBlocks: 0, oversizedRecords: 0 }
    const propose = (i: number, j: number): void => {
      const lo = Math.min(i, j)
      const hi = Math.max(i, j)
      // Linking compares only across the two sources; the left record has the lower index.
      if (lo === hi || (linking && (lo >= leftCount || hi < leftCount))) return
      report.pairs++
      const id = lo * n + hi
      if (seen.has(id)) return
      seen.add(id)
      report.newPairs++
      pairsA.push(lo)
      pairsB.push(hi)
    }
    for (const members of blocks.values()) {
      if (members.length < 2) continue
      report.blocks++
      if (members.length <= options.maxBlockSize) {
        for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) propose(members[x] ?? 0, members[y] ?? 0)
        continue
      }
      report.oversizedBlocks++
      report.oversizedRecords += members.length
      sortKeys ??= records.map(sortKey)
      const keys = sortKeys
      const sorted = [...members].sort((x, y) => ((keys[x] ?? '') < (keys[y] ?? '') ? -1 : (keys[x] ?? '') > (keys[y] ?? '') ? 1 : x - y))
      for (let x = 0; x < sorted.length; x++) {
        const end = Math.min(sorted.length, x + 1 + options.windowSize)
        for (let y = x + 1; y < end; y++) propose(sorted[x] ?? 0, sorted[y] ?? 0)
      }
    }
    reports.push(report)
  }
  return {
    pairs: { a: Int32Array.from(pairsA), b: Int32Array.from(pairsB), count: pairsA.length },
    report: { rules: reports, candidatePairs: pairsA.length },
  }
}
