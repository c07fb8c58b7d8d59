import { clean } from './csv-cells.ts'
import type { PeoplePerson } from './raw.ts'

/**
 * The source id of a saved contact read from the People API, by the Contacts CSV's rule
 * (contacts-csv.ts contactCsvSourceId): `email:<first e-mail, lower-cased>`, else `name:<full name,
 * lower-cased>`, so that an export import and an API sync land one record per contact. A contact with
 * neither (only a phone, say), which the CSV import rejects, keeps its resourceName.
 *
 * The price of the e-mail key: the People API's own id (resourceName) is not the record's id. A contact
 * whose first address changes lands under its new key, and a deletion arrives as a bare resourceName;
 * the contacts stream reconciles both through a full listing (streams/people.ts).
 */
export function contactSourceId(person: PeoplePerson): string {
  const email = (person.emailAddresses ?? []).map((entry) => clean(entry.value)).find((value) => value !== undefined)
  if (email !== undefined) return `email:${email.toLowerCase()}`
  const name = fullName(person)
  if (name !== undefined) return `name:${name.toLowerCase()}`
  return person.resourceName.trim()
}

/** The primary name as the CSV writes it: given, middle and family name joined (else the display name). */
function fullName(person: PeoplePerson): string | undefined {
  const names = person.names ?? []
  const name = names.find((entry) => entry.metadata?.primary === true) ?? names[0]
  if (name === undefined) return undefined
  const joined = [name.givenName, name.middleName, name.familyName].map((part) => clean(part)).filter((part) => part !== undefined).join(' ')
  return clean(joined) ?? clean(name.displayName) ?? clean(name.unstructuredName)
}
