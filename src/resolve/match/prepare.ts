import { domainFromWebsite, nicknameGroup, normalizeEmail, normalizePhone, organizationNameTokens, registrableDomain } from '../keys/index.ts'
import { addressTokens, foldName, foldText, isAddressQualifier, sortedSet, tokenize } from './text.ts'
import type { FieldName, MatchRecord, PreparedRecord, PreparedValue } from './types.ts'

/** Values that stand for "unknown" in exports; treated as missing rather than as a shared value. */
const PLACEHOLDERS = new Set(['', 'na', 'n a', 'none', 'null', 'unknown', 'not known', 'tbd', 'nil', 'x', 'xx', 'xxx'])

type Preparer = (value: string) => PreparedValue | undefined

function value(text: string, rest: Partial<PreparedValue> = {}): PreparedValue {
  return {
    text,
    tokens: rest.tokens ?? [],
    parts: rest.parts ?? [],
    ...(rest.day === undefined ? {} : { day: rest.day }),
    ...(rest.groups === undefined ? {} : { groups: rest.groups }),
  }
}

/** Family and middle names: letters only. */
const prepareName: Preparer = (raw) => {
  const text = foldName(raw)
  if (text === '' || PLACEHOLDERS.has(text)) return undefined
  return value(text)
}

/** Given names: letters only, with their nickname groups (Bob and Robert share "robert"). */
const prepareGivenName: Preparer = (raw) => {
  const text = foldName(raw)
  if (text === '' || PLACEHOLDERS.has(text)) return undefined
  return value(text, { groups: nicknameGroup(raw) })
}

/** A full name: its folded tokens in order (parts) and as a set (tokens). */
const prepareFullName: Preparer = (raw) => {
  const parts = tokenize(raw)
  if (parts.length === 0 || PLACEHOLDERS.has(parts.join(' '))) return undefined
  return value(parts.join(' '), { parts, tokens: sortedSet(parts) })
}

/**
 * Dates as [year, month, day] strings: ISO (1971-06-24), compact (19710624) or day-first
 * (24/06/1971, the European order; a US month-first date then shows up as "day-month swapped").
 * Corrupted dates (month 13) are kept, since a typo still matches its original digit by digit.
 */
const prepareDate: Preparer = (raw) => {
  const trimmed = raw.trim()
  let match = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:[T ].*)?$/.exec(trimmed)
  let parts: string[] | undefined
  if (match !== null && (trimmed.length === 8 || /\D/.test(trimmed))) parts = [match[1] ?? '', match[2] ?? '', match[3] ?? '']
  else {
    match = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(trimmed)
    if (match !== null) parts = [match[3] ?? '', match[2] ?? '', match[1] ?? '']
  }
  if (parts === undefined) {
    const digits = trimmed.replace(/\D/g, '')
    return digits === '' ? undefined : value(digits, { parts: [digits, '', ''] })
  }
  const [year, month, day] = parts.map((part) => part.padStart(2, '0')) as [string, string, string]
  const time = Date.UTC(Number(year), Number(month) - 1, Number(day))
  const valid = Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= 31
  return value(`${year}${month}${day}`, { parts: [year, month, day], ...(valid ? { day: Math.round(time / 86_400_000) } : {}) })
}

/** Emails as the keys normalise them (case, plus-tags, Gmail dots); parts [local, domain]. */
const prepareEmail: Preparer = (raw) => {
  const email = normalizeEmail(raw)
  return email === undefined ? undefined : value(email.address, { parts: [email.local, email.domain] })
}

/**
 * Phones as digits: of the E.164 form when the number parses (extensions dropped), else of the
 * value as written, since exports hold many local numbers without an area or country code. The
 * comparator matches a shorter number against the end of a longer one.
 */
const preparePhone: Preparer = (raw) => {
  const digits = (normalizePhone(raw) ?? raw).replace(/\D/g, '')
  if (digits.length < 5 || /^0+$/.test(digits)) return undefined
  return value(digits)
}

/** Codes and numbers (postcodes, street numbers, ids): letters and digits only, lower case. */
const prepareCode: Preparer = (raw) => {
  const text = foldText(raw).replace(/ /g, '')
  if (PLACEHOLDERS.has(text) || /^0+$/.test(text)) return undefined
  return value(text)
}

/** Free text (street names, localities, titles): folded, spaces kept. */
const prepareText: Preparer = (raw) => {
  const text = foldText(raw)
  if (PLACEHOLDERS.has(text)) return undefined
  return value(text, { tokens: sortedSet(text.split(' ')) })
}

/**
 * A street address line ("3449 W. Arthington Street"): parts [house number, street name], the
 * name without its type and direction words, which sources add or drop at will.
 */
const prepareStreetAddress: Preparer = (raw) => {
  const tokens = addressTokens(raw)
  if (tokens.length === 0 || PLACEHOLDERS.has(tokens.join(' '))) return undefined
  const first = tokens[0] ?? ''
  const number = /^\d+[a-z]?$/.test(first) ? first : ''
  const nameTokens = (number === '' ? tokens : tokens.slice(1)).filter((token) => !isAddressQualifier(token))
  return value(tokens.join(' '), { parts: [number, nameTokens.join(' ')], tokens: sortedSet(nameTokens) })
}

/** Organisation names: the keys' tokens (legal forms and connectives removed), in order (parts) and as a set. */
const prepareOrganization: Preparer = (raw) => {
  const parts = organizationNameTokens(raw)
  if (parts.length === 0) return undefined
  return value(parts.join(' '), { parts, tokens: sortedSet(parts) })
}

/** Domains and websites: host without scheme, www and path; parts [registrable domain]. */
const prepareDomain: Preparer = (raw) => {
  const host = domainFromWebsite(raw.includes('@') ? raw.slice(raw.lastIndexOf('@') + 1) : raw)
  if (host === undefined) return undefined
  return value(host, { parts: [registrableDomain(host) ?? host] })
}

const PREPARERS: Record<FieldName, Preparer> = {
  givenName: prepareGivenName,
  middleName: prepareName,
  familyName: prepareName,
  fullName: prepareFullName,
  birthDate: prepareDate,
  email: prepareEmail,
  phone: preparePhone,
  streetNumber: prepareCode,
  street: prepareText,
  addressLine2: prepareText,
  streetAddress: prepareStreetAddress,
  locality: prepareText,
  city: prepareText,
  postcode: prepareCode,
  region: prepareText,
  country: prepareText,
  organization: prepareOrganization,
  domain: prepareDomain,
  website: prepareDomain,
  idNumber: prepareCode,
  title: prepareText,
}

export function prepareValue(field: FieldName, raw: string): PreparedValue | undefined {
  return PREPARERS[field](raw)
}

/** Normalises every field of every record once; a record's index is its position in the list. */
export function prepareRecords(records: readonly MatchRecord[]): PreparedRecord[] {
  return records.map((record, index) => {
    const values: Partial<Record<FieldName, PreparedValue>> = {}
    for (const [field, raw] of Object.entries(record.fields) as [FieldName, string | undefined][]) {
      if (raw === undefined) continue
      const prepared = prepareValue(field, raw)
      if (prepared !== undefined) values[field] = prepared
    }
    return { index, id: record.id, source: record.source, values }
  })
}
