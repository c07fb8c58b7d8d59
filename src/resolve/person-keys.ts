/**
 * The keys a person record is resolved by (DESIGN §6). Identifiers merge the records that share them:
 * normalised emails, E.164 phones, employee ids, and the record's own id together with the ids of the
 * records it states it is (a converted Lead's Contact, a portal User's Contact). The blocking key only
 * makes records candidates for a scored comparison: the folded family name with the initial of the
 * given name and of its formal forms (so Bill and William Smith meet). Pure.
 */
import type { Link, SourceRef } from '../schema/canonical.ts'
import { foldName, isFreeMailDomain, isGenericMailbox, isGenericPhone, nicknameGroup, normalizeEmail, normalizePhone, registrableDomain, splitFullName } from './keys/index.ts'
import { formatRef, type PersonRecord, type ResolutionKey } from './resolvable.ts'

/** Link types by which one record says it is the same person as another. */
export const IDENTITY_LINKS: ReadonlySet<string> = new Set(['same_as', 'converted_to'])

/** External id types that are an employee number in our HR numbering. */
const EMPLOYEE_ID_TYPES: ReadonlySet<string> = new Set(['employee_id'])

export function personKeys(ref: SourceRef, person: PersonRecord, links: readonly Link[] = []): ResolutionKey[] {
  const keys: ResolutionKey[] = [identifier('record', formatRef(ref))]
  for (const link of links) {
    if (IDENTITY_LINKS.has(link.linkType) && isPersonType(link.to)) keys.push(identifier('record', formatRef(link.to)))
  }
  for (const email of person.emails) {
    const normalized = normalizeEmail(email.address)
    if (normalized) keys.push(identifier('email', normalized.address, isGenericMailbox(normalized.local)))
  }
  for (const phone of person.phones) {
    const e164 = normalizePhone(phone.number)
    if (e164) keys.push(identifier('phone', e164, isGenericPhone(e164)))
  }
  for (const employeeId of employeeIds(person)) keys.push(identifier('employee_id', employeeId))
  for (const block of nameBlocks(person)) keys.push({ kind: 'name', value: block, role: 'blocking', isGeneric: false })
  // What its organisation comparison draws on: a change there re-resolves this record.
  if (person.organizationRef) keys.push(context('org_ref', formatRef(person.organizationRef)))
  if (person.externalTeamId) keys.push(context('org_team', person.externalTeamId))
  for (const domain of workDomainsOf(keys)) keys.push(context('org_domain', domain))
  return dedupe(keys)
}

/** Person object types a link may point at (converted_to also points at accounts and opportunities). */
function isPersonType(ref: SourceRef): boolean {
  return ref.system !== 'salesforce' || ref.objectType === 'Contact' || ref.objectType === 'Lead' || ref.objectType === 'User'
}

function employeeIds(person: PersonRecord): string[] {
  const ids = new Set<string>()
  const own = person.employment?.employeeId?.trim()
  if (own) ids.add(own)
  for (const external of person.externalIds) if (EMPLOYEE_ID_TYPES.has(external.type) && external.value.trim()) ids.add(external.value.trim())
  return [...ids]
}

/**
 * Given and family name, folded: the parts the record gives, completed from its full name only where
 * the full name agrees with the part it does give ('Ada' + 'Ada Lovelace' → lovelace), so a contact
 * with only a last name has no given name rather than its last name twice.
 */
export function nameParts(person: PersonRecord): { given: string; family: string } {
  const split = splitFullName(person.name.full)
  const given = foldName(person.name.given ?? '')
  const family = foldName(person.name.family ?? '')
  const splitGiven = foldName(split.given ?? '')
  const splitFamily = foldName(split.family ?? '')
  if (given === '' && family === '') return { given: splitGiven, family: splitFamily }
  if (given === '' && splitFamily === family) return { given: splitGiven, family }
  if (family === '' && splitGiven === given) return { given, family: splitFamily }
  return { given, family }
}

/**
 * `family|initial` for the given name's own initial and that of each formal name it is a nickname of
 * (Ted: e for Edward, t for Theodore), or just the family name without a given name; none without a
 * family name.
 */
export function nameBlocks(person: PersonRecord): string[] {
  const { given, family } = nameParts(person)
  if (family === '') return []
  if (given === '') return [family]
  const initials = new Set([given.charAt(0), ...(nicknameGroup(given) ?? []).map((formal) => formal.charAt(0))])
  return [...initials].sort().map((initial) => `${family}|${initial}`)
}

/** Registrable, non-free-mail domains of the record's non-generic email identifiers. */
function workDomainsOf(keys: readonly ResolutionKey[]): string[] {
  const domains = new Set<string>()
  for (const key of keys) {
    if (key.kind !== 'email' || key.isGeneric) continue
    const domain = registrableDomain(key.value.slice(key.value.lastIndexOf('@') + 1))
    if (domain && !isFreeMailDomain(domain)) domains.add(domain)
  }
  return [...domains]
}

function context(kind: string, value: string): ResolutionKey {
  return { kind, value, role: 'context', isGeneric: false }
}

function identifier(kind: string, value: string, isGeneric = false): ResolutionKey {
  return { kind, value, role: 'identifier', isGeneric }
}

function dedupe(keys: ResolutionKey[]): ResolutionKey[] {
  const seen = new Map<string, ResolutionKey>()
  for (const key of keys) {
    const id = `${key.kind}\u0000${key.value}`
    const known = seen.get(id)
    // One value generic by one reading (a toll-free number) stays generic.
    if (!known) seen.set(id, key)
    else if (key.isGeneric) known.isGeneric = true
  }
  return [...seen.values()]
}
