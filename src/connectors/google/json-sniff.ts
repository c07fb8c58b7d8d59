/**
 * Tells the shape of a JSON file from its first kilobytes, without parsing the whole file: the keys of
 * the top-level object (or of a top-level array's first element), how each value starts and the text
 * of short string values. Export files can be hundreds of megabytes; deciding which array to stream
 * (`users`, `connections`, the root …) must not need them in memory. Only the structure is scanned —
 * the file is parsed for real by src/formats/json.ts afterwards.
 */

export interface SniffedMember {
  /** First character of the value: `{`, `[`, `"`, a digit, `t`, `f`, `n` … */
  start: string
  /** The value of a string member (unescaped), when it ended inside the scanned text. */
  text?: string
}

export type JsonShape =
  | { type: 'object'; members: Map<string, SniffedMember>; complete: boolean }
  | { type: 'array'; empty: boolean; firstElement: Map<string, SniffedMember> | undefined }
  | { type: 'not-json' }

const WHITESPACE = /\s/

function unescapeJsonString(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string
  } catch {
    return raw
  }
}

/** Index of the quote that closes the string opening at `open`, or -1 when the text ends first. */
function stringEnd(text: string, open: number): number {
  for (let index = open + 1; index < text.length; index += 1) {
    const char = text[index]
    if (char === '\\') index += 1
    else if (char === '"') return index
  }
  return -1
}

/**
 * Records the members of the object that starts at `open` (the top-level object, or the first element
 * of the top-level array). Returns whether the object ended inside the text.
 */
function scanObjectMembers(text: string, open: number, members: Map<string, SniffedMember>): boolean {
  let depth = 0
  let expectKey = false
  let key: string | undefined
  let awaitingValue = false
  for (let index = open; index < text.length; index += 1) {
    const char = text[index] ?? ''
    if (char === '"') {
      const end = stringEnd(text, index)
      if (end < 0) return false
      if (depth === 1 && expectKey) {
        key = unescapeJsonString(text.slice(index + 1, end))
        expectKey = false
      } else if (depth === 1 && awaitingValue && key !== undefined) {
        members.set(key, { start: '"', text: unescapeJsonString(text.slice(index + 1, end)) })
        awaitingValue = false
      }
      index = end
      continue
    }
    if (WHITESPACE.test(char)) continue
    if (depth === 1 && awaitingValue && key !== undefined) {
      members.set(key, { start: char })
      awaitingValue = false
    }
    if (char === '{' || char === '[') {
      depth += 1
      if (depth === 1) expectKey = true
    } else if (char === '}' || char === ']') {
      depth -= 1
      if (depth === 0) return true
    } else if (depth === 1 && char === ',') {
      expectKey = true
    } else if (depth === 1 && char === ':') {
      awaitingValue = true
    }
  }
  return false
}

function firstNonSpace(text: string, from: number): number {
  let index = from
  while (index < text.length && WHITESPACE.test(text[index] ?? '')) index += 1
  return index
}

export function sniffJson(prefix: string): JsonShape {
  const start = firstNonSpace(prefix.replace(/^\uFEFF/, ''), 0)
  const text = prefix.replace(/^\uFEFF/, '')
  const first = text[start]
  if (first === '{') {
    const members = new Map<string, SniffedMember>()
    const complete = scanObjectMembers(text, start, members)
    return { type: 'object', members, complete }
  }
  if (first === '[') {
    const element = firstNonSpace(text, start + 1)
    if (text[element] === ']') return { type: 'array', empty: true, firstElement: undefined }
    if (text[element] !== '{') return { type: 'array', empty: element >= text.length, firstElement: undefined }
    const members = new Map<string, SniffedMember>()
    scanObjectMembers(text, element, members)
    return { type: 'array', empty: false, firstElement: members }
  }
  return { type: 'not-json' }
}
