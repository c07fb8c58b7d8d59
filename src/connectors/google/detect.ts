import { contactsGenerationOfHeaders, type ContactsGeneration } from './contacts-csv.ts'
import { stripHeaderTag } from './csv-cells.ts'
import { sniffJson, type JsonShape, type SniffedMember } from './json-sniff.ts'

/**
 * Which kind of Google export a file is, told from its content (a user expects
 * `customer-graph import google ./x.csv` to work whatever the file is called). The first bytes decide
 * between JSON, iCalendar and CSV; a CSV's header row decides between the Admin console users download
 * and the two Contacts generations (see classifyCsvHeader).
 */

/** How many bytes of a file are looked at to tell its kind. */
export const SNIFF_BYTES = 64 * 1024

export type PrefixKind =
  | { kind: 'json-array'; objectType: JsonObjectType; arrayPath: string[] }
  /** The JSON says what it is but an array is not where it must be (`users` is an object …). */
  | { kind: 'json-shape-error'; objectType: JsonObjectType; path: string; message: string }
  | { kind: 'ics' }
  /** Possibly a CSV: its header row decides. */
  | { kind: 'csv' }
  | { kind: 'skip'; reason: string }

/** Directory users, People connections (saved contacts), People otherContacts. */
export type JsonObjectType = 'user' | 'contact' | 'other_contact'

export type CsvKind = { kind: 'admin-users' } | { kind: 'contacts'; generation: ContactsGeneration }

/** Text of the first bytes, honouring a UTF-8 or UTF-16 byte order mark; undefined for binary content. */
export function decodePrefix(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2))
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2))
  if (bytes.includes(0)) return undefined
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '')
}

/** Whether the file starts with a UTF-16 byte order mark (older "Google CSV" Contacts exports do). */
export function isUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le'
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be'
  return undefined
}

const NOT_AN_EXPORT =
  'expected a Google Admin console users CSV, a Google Contacts CSV, Directory API users JSON, People API connections JSON or a Calendar .ics file'

export function classifyPrefix(name: string, bytes: Uint8Array): PrefixKind {
  if (bytes.length === 0) return { kind: 'skip', reason: `${name} is empty; nothing to import` }
  const text = decodePrefix(bytes)
  if (text === undefined) return { kind: 'skip', reason: `${name} is a binary file, not a Google Workspace export (${NOT_AN_EXPORT}); nothing to import` }
  const start = text.trimStart()
  if (/^BEGIN:VCALENDAR/i.test(start)) return { kind: 'ics' }
  if (/^BEGIN:VCARD/i.test(start)) {
    return { kind: 'skip', reason: `${name} is a vCard file; vCard contacts are not imported — export them from Google Contacts as "Google CSV" instead` }
  }
  if (start.startsWith('{') || start.startsWith('[')) return classifyJson(name, sniffJson(start))
  return { kind: 'csv' }
}

function memberText(members: Map<string, SniffedMember> | undefined, key: string): string | undefined {
  return members?.get(key)?.text
}

function arrayMember(
  members: Map<string, SniffedMember>,
  key: string,
  objectType: JsonObjectType,
  what: string,
): PrefixKind | undefined {
  const member = members.get(key)
  if (member === undefined) return undefined
  if (member.start === '[') return { kind: 'json-array', objectType, arrayPath: [key] }
  return {
    kind: 'json-shape-error',
    objectType,
    path: `$.${key}`,
    message: `$.${key} must be an array of ${what}, but its value starts with ${JSON.stringify(member.start)}`,
  }
}

const USER_KEYS = ['primaryEmail', 'orgUnitPath', 'isAdmin', 'customerId']
const PERSON_KEYS = ['resourceName', 'emailAddresses', 'names']

function classifyJson(name: string, shape: JsonShape): PrefixKind {
  if (shape.type === 'not-json') return { kind: 'skip', reason: `${name} is not a Google Workspace export (${NOT_AN_EXPORT}); nothing to import` }
  if (shape.type === 'array') {
    if (shape.empty) return { kind: 'skip', reason: `${name} is an empty JSON array; nothing to import` }
    const element = shape.firstElement
    const kind = memberText(element, 'kind')
    if (kind === 'admin#directory#user' || USER_KEYS.some((key) => element?.has(key))) {
      return { kind: 'json-array', objectType: 'user', arrayPath: [] }
    }
    if (kind === 'people#person' || PERSON_KEYS.some((key) => element?.has(key))) {
      const otherContacts = memberText(element, 'resourceName')?.startsWith('otherContacts/') === true
      return { kind: 'json-array', objectType: otherContacts ? 'other_contact' : 'contact', arrayPath: [] }
    }
    return {
      kind: 'skip',
      reason: `${name} is a JSON array whose first element is neither a Directory API User (primaryEmail) nor a People API Person (resourceName); nothing to import`,
    }
  }
  const { members } = shape
  const kind = memberText(members, 'kind')
  if (kind === 'discovery#restDescription' || members.has('discoveryVersion')) {
    return { kind: 'skip', reason: `${name} is a Google API discovery document (an API description), not an export; nothing to import` }
  }
  const users = arrayMember(members, 'users', 'user', 'Directory API User objects')
  if (users) return users
  if (kind === 'admin#directory#users') {
    // `users` may still come after the scanned bytes; the reader finds it (or reports it missing).
    if (!shape.complete) return { kind: 'json-array', objectType: 'user', arrayPath: ['users'] }
    // The Directory API leaves `users` out of a page without users.
    return { kind: 'skip', reason: `${name} is a Directory API users list without users; nothing to import` }
  }
  const people =
    arrayMember(members, 'connections', 'contact', 'People API Person objects') ??
    arrayMember(members, 'otherContacts', 'other_contact', 'People API Person objects')
  if (people) return people
  if (members.has('people')) {
    return {
      kind: 'skip',
      reason: `${name} is a People API directory listing (people[]); directory profiles are not imported as contacts — import Directory API users instead`,
    }
  }
  return {
    kind: 'skip',
    reason: `${name} is JSON but not a Directory API users list ({"kind":"admin#directory#users","users":[…]}) or a People API list ({"connections":[…]} / {"otherContacts":[…]}); nothing to import`,
  }
}

/** Admin console users download: an `Email Address` column with First/Last Name, Status or Org Unit Path. */
export function classifyCsvHeader(headers: readonly string[]): CsvKind | undefined {
  const names = new Set(headers.map((header) => stripHeaderTag(header).toLowerCase()))
  if (names.has('email address') && ['first name', 'last name', 'status', 'org unit path'].some((name) => names.has(name))) {
    return { kind: 'admin-users' }
  }
  const generation = contactsGenerationOfHeaders(headers)
  return generation ? { kind: 'contacts', generation } : undefined
}

/**
 * Bracket tags such as `[Required]` and `[READ ONLY]` appear only in Admin console user files, so a
 * header with them is an Admin export even when the column that makes it importable is missing.
 */
export function hasAdminHeaderTags(headers: readonly string[]): boolean {
  return headers.some((header) => /\[(required|read only|upload only|must be[^\]]*)\]\s*$/i.test(header))
}

export function unrecognisedCsvReason(name: string): string {
  return `${name} is not a Google Workspace export (${NOT_AN_EXPORT}): its first line is neither an Admin console users header (First Name [Required], Email Address [Required] …) nor a Google Contacts header (First Name, … E-mail 1 - Value or Name, Given Name, … Group Membership); nothing to import`
}
