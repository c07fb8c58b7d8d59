import { cellReader, clean, parseLabel, splitMultiValue, stripHeaderTag, type CellReader } from './csv-cells.ts'

/**
 * The Google Contacts CSV in its two header generations (source-formats.md §4A):
 * - current (contacts.google.com): `First Name, Middle Name, Last Name, …, Organization Name,
 *   Organization Title, …, Labels, E-mail 1 - Label, E-mail 1 - Value, Phone 1 - Label, …`
 * - legacy: `Name, Given Name, Additional Name, Family Name, …, Group Membership, E-mail 1 - Type,
 *   E-mail 1 - Value, Phone 1 - Type, …, Organization 1 - Name, Organization 1 - Title, …`
 * The numbered groups run to the highest number used in the file. Used by the reader (for the source
 * id) and by the normaliser, so both see a row the same way.
 */

export type ContactsGeneration = 'current' | 'legacy'

export interface LabelledValue {
  value: string
  label: string | undefined
  primary: boolean
}

export interface ContactCsvView {
  generation: ContactsGeneration
  /** First, middle and last name joined by single spaces; the legacy `Name` column when it is filled. */
  fullName: string | undefined
  given: string | undefined
  middle: string | undefined
  family: string | undefined
  nickname: string | undefined
  emails: LabelledValue[]
  phones: LabelledValue[]
  organizationName: string | undefined
  organizationTitle: string | undefined
  organizationDepartment: string | undefined
}

/** Which generation a header row belongs to, or undefined when it is no Contacts CSV. */
export function contactsGenerationOfHeaders(headers: readonly string[]): ContactsGeneration | undefined {
  const names = new Set(headers.map((header) => stripHeaderTag(header).toLowerCase()))
  // The Admin console users CSV also has First Name/Last Name; its Email Address column sets it apart.
  if (names.has('email address')) return undefined
  const anyOf = (...candidates: string[]) => candidates.some((name) => names.has(name))
  if (anyOf('given name', 'family name') && anyOf('name', 'group membership', 'e-mail 1 - value', 'e-mail 1 - type')) {
    return 'legacy'
  }
  if (names.has('first name') && anyOf('e-mail 1 - value', 'e-mail 1 - label', 'labels', 'organization name', 'phone 1 - value', 'file as')) {
    return 'current'
  }
  return undefined
}

function generationOfRow(row: Record<string, string>): ContactsGeneration {
  return contactsGenerationOfHeaders(Object.keys(row)) ?? 'current'
}

function joinName(...parts: (string | undefined)[]): string | undefined {
  const present = parts.filter((part): part is string => part !== undefined)
  return present.length > 0 ? present.join(' ') : undefined
}

/**
 * `E-mail n - Label`/`- Type` with `E-mail n - Value` for n = 1, 2, …. One cell can hold several values
 * (` ::: `); they share the group's label unless the label cell lists as many labels. A `* ` label
 * marks the group's first value as the primary one.
 */
function labelledGroup(cell: CellReader, has: (name: string) => boolean, prefix: string, labelSuffix: string): LabelledValue[] {
  const result: LabelledValue[] = []
  for (let n = 1; has(`${prefix} ${n} - value`); n += 1) {
    const values = splitMultiValue(cell(`${prefix} ${n} - Value`))
    const labels = splitMultiValue(cell(`${prefix} ${n} - ${labelSuffix}`)).map(parseLabel)
    values.forEach((value, index) => {
      const own = labels.length === values.length ? labels[index] : labels[0]
      result.push({ value, label: own?.label, primary: (own?.primary ?? false) && (labels.length === values.length || index === 0) })
    })
  }
  return result
}

export function readContactCsvRow(row: Record<string, string>): ContactCsvView {
  const cell = cellReader(row)
  const headerNames = new Set(Object.keys(row).map((header) => stripHeaderTag(header).toLowerCase()))
  const has = (name: string) => headerNames.has(name.toLowerCase())
  const generation = generationOfRow(row)
  const first = (name: string) => splitMultiValue(cell(name))[0]
  if (generation === 'legacy') {
    const given = cell('Given Name')
    const middle = cell('Additional Name')
    const family = cell('Family Name')
    return {
      generation,
      fullName: cell('Name') ?? joinName(given, middle, family),
      given,
      middle,
      family,
      nickname: cell('Nickname'),
      emails: labelledGroup(cell, has, 'E-mail', 'Type'),
      phones: labelledGroup(cell, has, 'Phone', 'Type'),
      organizationName: first('Organization 1 - Name'),
      organizationTitle: first('Organization 1 - Title'),
      organizationDepartment: first('Organization 1 - Department'),
    }
  }
  const given = cell('First Name')
  const middle = cell('Middle Name')
  const family = cell('Last Name')
  return {
    generation,
    fullName: joinName(given, middle, family),
    given,
    middle,
    family,
    nickname: cell('Nickname'),
    emails: labelledGroup(cell, has, 'E-mail', 'Label'),
    phones: labelledGroup(cell, has, 'Phone', 'Label'),
    organizationName: first('Organization Name'),
    organizationTitle: first('Organization Title'),
    organizationDepartment: first('Organization Department'),
  }
}

/**
 * The contact's source id (docs/source-records.md): `email:<first email, lower-cased>`, else
 * `name:<full name, lower-cased>`; undefined when the row has neither.
 */
export function contactCsvSourceId(view: ContactCsvView): string | undefined {
  const email = clean(view.emails[0]?.value)
  if (email !== undefined) return `email:${email.toLowerCase()}`
  const name = clean(view.fullName)
  if (name !== undefined) return `name:${name.toLowerCase()}`
  return undefined
}
