/**
 * Edit-distance and similarity measures used by the comparators. They work on UTF-16 code units,
 * which is exact for the folded (diacritic-free, lower-case) text the comparators feed them.
 */

/**
 * Jaro similarity in [0, 1]: the share of characters that agree within a sliding window, corrected
 * for transpositions. 1 for equal strings, 0 when one is empty.
 */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1
  const lengthA = a.length
  const lengthB = b.length
  if (lengthA === 0 || lengthB === 0) return 0
  const window = Math.max(0, Math.floor(Math.max(lengthA, lengthB) / 2) - 1)
  const matchedA = new Uint8Array(lengthA)
  const matchedB = new Uint8Array(lengthB)
  let matches = 0
  for (let i = 0; i < lengthA; i++) {
    const code = a.charCodeAt(i)
    const from = Math.max(0, i - window)
    const to = Math.min(lengthB - 1, i + window)
    for (let j = from; j <= to; j++) {
      if (matchedB[j] === 0 && b.charCodeAt(j) === code) {
        matchedA[i] = 1
        matchedB[j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  // Matched characters taken in order from both sides; each position where they differ is half a transposition.
  let halfTranspositions = 0
  let j = 0
  for (let i = 0; i < lengthA; i++) {
    if (matchedA[i] === 0) continue
    while (matchedB[j] === 0) j++
    if (a.charCodeAt(i) !== b.charCodeAt(j)) halfTranspositions++
    j++
  }
  const transpositions = halfTranspositions / 2
  return (matches / lengthA + matches / lengthB + (matches - transpositions) / matches) / 3
}

/**
 * Jaro–Winkler similarity: Jaro boosted for a common prefix of up to four characters (scale 0.1),
 * because typos are rarer at the start of names. Winkler's boost threshold is not applied: the boost
 * is given at every Jaro level, as in most record-linkage toolkits.
 */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  const similarity = jaro(a, b)
  if (similarity === 0 || similarity === 1) return similarity
  const limit = Math.min(4, a.length, b.length)
  let prefix = 0
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return similarity + prefix * prefixScale * (1 - similarity)
}

/**
 * Whether `jaroWinkler(a, b) >= threshold`, ruling most dissimilar pairs out first by a bound that
 * allocates nothing: a character whose letter the other string lacks can never match, so the
 * matches are at most the characters each string shares letters with, and Jaro at most what that
 * count gives with no transpositions (letters are compared by their code's low five bits, which can
 * only overcount). Comparing names in a block asks this of millions of pairs, most of them unalike.
 */
export function jaroWinklerAtLeast(a: string, b: string, threshold: number, prefixScale = 0.1): boolean {
  if (a === b) return (a.length === 0 ? 0 : 1) >= threshold
  const lengthA = a.length
  const lengthB = b.length
  if (lengthA === 0 || lengthB === 0) return 0 >= threshold
  let lettersA = 0
  let lettersB = 0
  for (let i = 0; i < lengthA; i++) lettersA |= 1 << (a.charCodeAt(i) & 31)
  for (let j = 0; j < lengthB; j++) lettersB |= 1 << (b.charCodeAt(j) & 31)
  let sharedA = 0
  let sharedB = 0
  for (let i = 0; i < lengthA; i++) if ((lettersB & (1 << (a.charCodeAt(i) & 31))) !== 0) sharedA++
  for (let j = 0; j < lengthB; j++) if ((lettersA & (1 << (b.charCodeAt(j) & 31))) !== 0) sharedB++
  const matches = Math.min(sharedA, sharedB)
  const limit = Math.min(4, lengthA, lengthB)
  let prefix = 0
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  const jaroBound = matches === 0 ? 0 : (matches / lengthA + matches / lengthB + 1) / 3
  const bound = jaroBound + prefix * prefixScale * (1 - jaroBound)
  // The bound is computed as jaroWinkler computes, so rounding cannot make it fall below the value.
  if (bound < threshold - 1e-9) return false
  return jaroWinkler(a, b, prefixScale) >= threshold
}

/**
 * Damerau–Levenshtein distance (unrestricted: a transposed pair may also be edited further, unlike
 * optimal string alignment), by the Lowrance–Wagner dynamic programme in O(|a|·|b|) time.
 */
export function damerauLevenshtein(a: string, b: string): number {
  if (a === b) return 0
  const lengthA = a.length
  const lengthB = b.length
  if (lengthA === 0) return lengthB
  if (lengthB === 0) return lengthA
  const infinity = lengthA + lengthB
  const width = lengthB + 2
  // Row-major (lengthA + 2) × (lengthB + 2) table with a sentinel row and column of "infinity".
  const table = new Uint32Array((lengthA + 2) * width)
  table[0] = infinity
  for (let i = 0; i <= lengthA; i++) {
    table[(i + 1) * width] = infinity
    table[(i + 1) * width + 1] = i
  }
  for (let j = 0; j <= lengthB; j++) {
    table[j + 1] = infinity
    table[width + j + 1] = j
  }
  // Last row (1-based) in which each character was seen in a.
  const lastRow = new Map<number, number>()
  for (let i = 1; i <= lengthA; i++) {
    const codeA = a.charCodeAt(i - 1)
    let lastMatchColumn = 0
    for (let j = 1; j <= lengthB; j++) {
      const codeB = b.charCodeAt(j - 1)
      const k = lastRow.get(codeB) ?? 0
      const l = lastMatchColumn
      const cost = codeA === codeB ? 0 : 1
      if (cost === 0) lastMatchColumn = j
      const substitute = at(table, i * width + j) + cost
      const insert = at(table, (i + 1) * width + j) + 1
      const remove = at(table, i * width + j + 1) + 1
      const transpose = at(table, k * width + l) + (i - k - 1) + 1 + (j - l - 1)
      table[(i + 1) * width + j + 1] = Math.min(substitute, insert, remove, transpose)
    }
    lastRow.set(codeA, i)
  }
  return at(table, (lengthA + 1) * width + lengthB + 1)
}

function at(table: Uint32Array, index: number): number {
  return table[index] ?? 0
}

/**
 * True when a and b are at most one edit apart (one substitution, insertion, deletion or swap of
 * two adjacent characters): the common "one typo" test, in linear time.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true
  const lengthA = a.length
  const lengthB = b.length
  if (Math.abs(lengthA - lengthB) > 1) return false
  let start = 0
  while (start < lengthA && start < lengthB && a.charCodeAt(start) === b.charCodeAt(start)) start++
  let endA = lengthA
  let endB = lengthB
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--
    endB--
  }
  const restA = endA - start
  const restB = endB - start
  // One substitution, insertion or deletion leaves at most one differing character on each side.
  if (restA <= 1 && restB <= 1) return true
  // An adjacent swap leaves exactly two characters, each other's mirror.
  return (
    restA === 2 &&
    restB === 2 &&
    a.charCodeAt(start) === b.charCodeAt(start + 1) &&
    a.charCodeAt(start + 1) === b.charCodeAt(start)
  )
}
