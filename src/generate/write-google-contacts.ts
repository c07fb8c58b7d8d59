import { join } from 'node:path'
import type { GenerationContext } from './context.ts'
import type { Employee } from './model-employees.ts'
import type { CustomerPerson, Org } from './model-orgs.ts'
import type { Rng } from './random.ts'
import { countRecord } from './context.ts'
import { csvLine } from './csv-format.ts'
import { emailCaseNoise, foldDiacritics, hasDiacritics, whitespaceNoise } from './names.ts'
import { ourCompany } from './reference-data.ts'
import { openTextSink, type TextSink } from './text-sink.ts'

/** Google Contacts CSV, current header generation, with as many numbered columns as this file uses. */
const HEADERS = [
  'First Name', 'Middle Name', 'Last Name', 'Phonetic First Name', 'Phonetic Middle Name', 'Phonetic Last Name',
  'Name Prefix', 'Name Suffix', 'Nickname', 'File As', 'Organization Name', 'Organization Title',
  'Organization Department', 'Birthday', 'Notes', 'Photo', 'Labels',
  'E-mail 1 - Label', 'E-mail 1 - Value', 'E-mail 2 - Label', 'E-mail 2 - Value',
  'Phone 1 - Label', 'Phone 1 - Value', 'Phone 2 - Label', 'Phone 2 - Value',
  'Address 1 - Label', 'Address 1 - Formatted', 'Address 1 - Street', 'Address 1 - City', 'Address 1 - PO Box',
  'Address 1 - Region', 'Address 1 - Postal Code', 'Address 1 - Country', 'Address 1 - Extended Address',
  'Website 1 - Label', 'Website 1 - Value',
]

/** ` ::: ` joins several values of one labelled field; a leading `* ` marks the primary one. */
const MULTI = ' ::: '

interface ContactRow {
  first?: string
  middle?: string
  last?: string
  nickname?: string
  organization?: string
  title?: string
  department?: string
  notes?: string
  labels: string
  emails: readonly (readonly [string, readonly string[]])[]
  phones: readonly (readonly [string, readonly string[]])[]
  city?: string
  country?: string
  website?: string
}

export interface GoogleContactsFile {
  readonly sink: TextSink
  /** Full names of contacts without any address, whose record id is then `name:<full name>`. */
  readonly nameOnly: Set<string>
}

export function openGoogleContacts(dir: string): GoogleContactsFile {
  const sink = openTextSink(join(dir, 'contacts.csv'))
  sink.write(csvLine(HEADERS))
  return { sink, nameOnly: new Set() }
}

/**
 * Writes one contact and returns its record id as the importer derives it: the first e-mail,
 * lower-cased, else the full name (there is no resourceName in a CSV export).
 */
function writeRow(file: GoogleContactsFile, row: ContactRow): string {
  const email1 = row.emails[0]
  const email2 = row.emails[1]
  const phone1 = row.phones[0]
  const phone2 = row.phones[1]
  const join = (values: readonly string[] | undefined): string | undefined => values?.join(MULTI)
  file.sink.write(csvLine([
    row.first, row.middle, row.last, undefined, undefined, undefined, undefined, undefined, row.nickname, undefined,
    row.organization, row.title, row.department, undefined, row.notes, undefined, row.labels,
    email1?.[0], join(email1?.[1]), email2?.[0], join(email2?.[1]),
    phone1?.[0], join(phone1?.[1]), phone2?.[0], join(phone2?.[1]),
    row.city === undefined ? undefined : 'Work', row.city === undefined ? undefined : `${row.city}\n${row.country ?? ''}`,
    undefined, row.city, undefined, undefined, undefined, row.country, undefined,
    row.website === undefined ? undefined : 'Work', row.website,
  ]))
  const firstEmail = email1?.[1][0]
  if (firstEmail !== undefined) return `email:${firstEmail.trim().toLowerCase()}`
  return `name:${[row.first, row.last].filter((part) => part !== undefined && part !== '').join(' ').toLowerCase()}`
}

function noisy(rng: Rng, email: string): string {
  return rng.chance(0.03) ? emailCaseNoise(rng, email) : email
}

/** A colleague in the salesperson's own address book. */
export function writeColleagueContact(context: GenerationContext, file: GoogleContactsFile, employee: Employee): void {
  const id = writeRow(file, {
    first: employee.name.goesBy ?? employee.name.first,
    last: employee.name.last,
    organization: ourCompany.name,
    title: employee.title,
    department: employee.department.name,
    labels: '* myContacts ::: Coworkers',
    emails: [['* Work', [employee.workEmail]]],
    phones: [['Work', [employee.workPhone]]],
  })
  context.truth.person(employee.entityId, 'google', 'contact', id)
  countRecord(context, 'google/contact')
}

/** A customer as a salesperson saved them: nicknames, several addresses, sometimes a stale one. */
export function writeCustomerContact(context: GenerationContext, file: GoogleContactsFile, org: Org, person: CustomerPerson): void {
  const { rng } = context
  const name = person.name
  const useNickname = name.goesBy !== undefined && rng.chance(0.4)
  let first = useNickname ? (name.goesBy ?? name.first) : name.first
  let last = name.last
  if (hasDiacritics(`${first} ${last}`) && rng.chance(0.2)) {
    first = foldDiacritics(first)
    last = foldDiacritics(last)
  }
  const emails: (readonly [string, readonly string[]])[] = []
  let organization = org.name
  let title = person.title
  const mover = person.mover
  if (mover !== undefined && rng.chance(0.3)) {
    // Never updated since they changed jobs: old employer, old address.
    emails.push(['* Work', [noisy(rng, mover.oldEmail)]])
    organization = mover.from.name
    title = mover.oldTitle
  } else if (person.workEmail !== undefined) {
    const values = [noisy(rng, person.workEmail)]
    if (mover !== undefined) values.push(mover.oldEmail)
    emails.push(['* Work', values])
  }
  if (person.personalEmail !== undefined) emails.push([emails.length === 0 ? '* Home' : 'Home', [person.personalEmail]])

  const withoutEmail = rng.chance(0.03) && !file.nameOnly.has(`${first} ${last}`.toLowerCase())
  if (withoutEmail) file.nameOnly.add(`${first} ${last}`.toLowerCase())
  const phones: (readonly [string, readonly string[]])[] = []
  if (person.mobile !== undefined) phones.push(['Mobile', [person.mobile]])
  // Direct line and switchboard under one label: several values in one cell.
  phones.push(['Work', org.index === 0 || rng.chance(0.1) ? [person.phone, org.phone] : [person.phone]])
  // Stray spaces only where the record id does not depend on the name.
  const messy = (value: string): string => (!withoutEmail && rng.chance(0.02) ? whitespaceNoise(rng, value) : value)
  const id = writeRow(file, {
    first: messy(first),
    middle: withoutEmail ? undefined : name.middle,
    last: messy(last),
    nickname: !useNickname && name.goesBy !== undefined && rng.chance(0.5) ? name.goesBy : undefined,
    organization,
    title,
    notes: rng.chance(0.1) ? `Met at ${rng.pick(['Dreamforce', 'a webinar', 'the user conference', 'a partner dinner'])}, "very keen"` : undefined,
    labels: rng.weighted([['* myContacts', 6], ['* myContacts ::: Customers', 3], ['* starred ::: myContacts', 1]] as const),
    emails: withoutEmail ? [] : emails,
    phones,
    city: rng.chance(0.3) ? org.city : undefined,
    country: org.country,
    website: rng.chance(0.2) ? `https://${org.websiteDomain}` : undefined,
  })
  context.truth.person(person.entityId, 'google', 'contact', id)
  countRecord(context, 'google/contact')
}

/** A customer's group mailbox saved as a contact (support@acme.com): its own entity. */
export function writeMailboxContact(context: GenerationContext, file: GoogleContactsFile, org: Org): void {
  const mailbox = org.sharedMailbox
  if (mailbox === undefined) return
  const id = writeRow(file, {
    first: `${org.name} ${mailbox.name}`,
    organization: org.name,
    labels: '* myContacts',
    emails: [['* Work', [mailbox.email]]],
    phones: [['Work', [org.phone]]],
  })
  context.truth.person(mailbox.entityId, 'google', 'contact', id)
  countRecord(context, 'google/contact')
}
