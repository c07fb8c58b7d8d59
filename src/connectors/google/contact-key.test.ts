import { describe, expect, it } from 'vitest'
import { contactSourceId } from './contact-key.ts'
import { contactCsvSourceId, readContactCsvRow } from './contacts-csv.ts'
import { peoplePersonSchema } from './raw.ts'

const person = (fields: Record<string, unknown>) => peoplePersonSchema.parse({ resourceName: 'people/c123', ...fields })

describe('the source id of a People API contact', () => {
  it('is the Contacts CSV’s: the first e-mail lower-cased, else the full name', () => {
    const row = { 'First Name': 'Zoe', 'Middle Name': '', 'Last Name': 'Angstrom', 'E-mail 1 - Label': '* Work', 'E-mail 1 - Value': 'ZAngstrom@Streich.de ::: z@home.org' }
    const api = person({ names: [{ givenName: 'Zoe', familyName: 'Angstrom', displayName: 'Zoe Angstrom' }], emailAddresses: [{ value: 'ZAngstrom@Streich.de' }, { value: 'z@home.org' }] })
    expect(contactSourceId(api)).toBe(contactCsvSourceId(readContactCsvRow(row)))
    expect(contactSourceId(api)).toBe('email:zangstrom@streich.de')

    const noEmail = { ...row, 'E-mail 1 - Value': '' }
    expect(contactSourceId(person({ names: [{ givenName: 'Zoe', familyName: 'Angstrom', displayName: 'Dr. Z' }] }))).toBe(contactCsvSourceId(readContactCsvRow(noEmail)))
  })

  it('keeps the resourceName when there is neither (the CSV import rejects such a contact)', () => {
    expect(contactSourceId(person({ phoneNumbers: [{ value: '+1 555 0100' }] }))).toBe('people/c123')
    expect(contactSourceId(person({ emailAddresses: [{ value: '  ' }], names: [{ displayName: ' ' }] }))).toBe('people/c123')
  })
})
