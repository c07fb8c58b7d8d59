import { describe, expect, it } from 'vitest'
import { comparisonFor } from './comparisons.ts'
import { prepareRecords } from './prepare.ts'
import type { FieldName, MatchRecord } from './types.ts'

/** The level label a field's comparison gives two records. */
function level(field: FieldName, a: MatchRecord['fields'], b: MatchRecord['fields']): string {
  const [recordA, recordB] = prepareRecords(
    [
      { id: 'a', fields: a },
      { id: 'b', fields: b },
    ],
  )
  if (recordA === undefined || recordB === undefined) throw new Error('two records expected')
  const comparison = comparisonFor(field)
  return comparison.levels[comparison.compare(recordA, recordB)] ?? 'none'
}

const given = (a: string, b: string): string => level('givenName', { givenName: a }, { givenName: b })

describe('comparison levels', () => {
  it('treat a missing or placeholder value as the neutral level', () => {
    expect(given('Robert', '')).toBe('missing')
    expect(level('email', { email: 'robert@smith.net' }, {})).toBe('missing')
    expect(level('phone', { phone: 'N/A' }, { phone: '555 0100' })).toBe('missing')
    expect(level('city', { city: 'unknown' }, { city: 'London' })).toBe('missing')
  })

  it('grade given names: exact after folding, nickname, spelling bands, initial', () => {
    expect(given('José', 'jose')).toBe('exact')
    expect(given('Bob', 'Robert')).toBe('nickname')
    expect(given('Robert', 'Roberta')).toBe('jw>=0.94')
    expect(given('Martha', 'Marhta')).toBe('jw>=0.94')
    expect(given('Dwayne', 'Duane')).toBe('jw>=0.7')
    expect(given('J', 'John')).toBe('initial or prefix')
    expect(given('Isla', 'Robert')).toBe('different')
  })

  it('compare given and family names crosswise when they were swapped', () => {
    const isla = { givenName: 'Isla', familyName: 'Hall' }
    const swapped = { givenName: 'Hall', familyName: 'Isla' }
    expect(level('givenName', isla, swapped)).toBe('exact')
    expect(level('familyName', isla, swapped)).toBe('exact')
    expect(level('familyName', { givenName: 'Caleb', familyName: 'Rwoe' }, { givenName: 'Rowe', familyName: 'Caleb' })).toBe('jw>=0.88')
  })

  it('grade dates: exact, one component, day-month swap, within a year', () => {
    const date = (a: string, b: string): string => level('birthDate', { birthDate: a }, { birthDate: b })
    expect(date('1971-06-24', '19710624')).toBe('exact')
    expect(date('1971-06-24', '1971-05-24')).toBe('one component differs')
    expect(date('1971-06-04', '1971-04-06')).toBe('day-month swapped')
    expect(date('1977-09-13', '1976-09-15')).toBe('within a year')
    expect(date('1977-09-13', '1987-02-15')).toBe('different')
    expect(date('24/06/1971', '1971-06-24')).toBe('exact')
  })

  it('grade numbers and codes by edits', () => {
    expect(level('postcode', { postcode: '2119' }, { postcode: ' 2119 ' })).toBe('exact')
    expect(level('postcode', { postcode: '2119' }, { postcode: '2191' })).toBe('one edit')
    expect(level('postcode', { postcode: '2119' }, { postcode: '3165' })).toBe('different')
    expect(level('idNumber', { idNumber: '1804974' }, { idNumber: '1809447' })).toBe('two edits')
  })

  it('grade emails: exact, same local part, similar local part', () => {
    const email = (a: string, b: string): string => level('email', { email: a }, { email: b })
    expect(email('Grace.Kelly52@jones.com', 'grace.kelly52@JONES.com')).toBe('exact')
    expect(email('gabriel.t54@nichols.info', 'gabriel.t54@nnichls.info')).toBe('same local part')
    expect(email('robert255@smith.net', 'roberta25@smith.net')).toBe('local part jw>=0.88')
    expect(email('robert255@smith.net', 'islahall97@smith.net')).toBe('different')
  })

  it('grade phones, allowing a country or area prefix on one side', () => {
    const phone = (a: string, b: string): string => level('phone', { phone: a }, { phone: b })
    expect(phone('(773) 638-0773', '773.638.0773')).toBe('exact')
    expect(phone('6380773', '+1 773 638 0773')).toBe('exact')
    expect(phone('6663883', '6663884')).toBe('one edit')
    expect(phone('6663883', '5346361')).toBe('different')
  })

  it('grade organisation names by their token sets', () => {
    const org = (a: string, b: string): string => level('organization', { organization: a }, { organization: b })
    expect(org('Akzo Nobel N.V.', 'AKZO NOBEL NV')).toBe('exact')
    expect(org('Konink. Philips Electronics', 'Philips Electronics Konink')).toBe('exact')
    expect(org('YMCA North Lawndale', 'YMCA of Metropolitan Chicago - North Lawndale YMCA')).toBe('one contains the other')
    expect(org('Chicago Commons Association Guadalupano Family Center', 'Chicago Commons Guadalupano Family Centre')).toBe('jaccard>=0.8')
    expect(org('Chicago State University Academy of Early Education', 'Chicago State University Raise Up a Child')).toBe('jaccard>=0.25')
    expect(org('Agilent Technologies', 'Alcatel')).toBe('different')
  })

  it('grade street addresses by house number and street name', () => {
    const address = (a: string, b: string): string => level('streetAddress', { streetAddress: a }, { streetAddress: b })
    expect(address('3449 W. Arthington Street', '3449 w arthington st')).toBe('exact')
    expect(address('3449 W. Arthington', '3449 W Arthington St')).toBe('same number and street')
    expect(address('124 E 113th St', '124 E. 113 St.')).toBe('exact')
    expect(address('7411 South Cottage Grove Ave.', '7419 South Cottage Grove Avenue')).toBe('number one edit, similar street')
    expect(address('25 W. 47th St.', '316 N Pulaski Rd')).toBe('different')
  })

  it('grade domains: same host, same registrable domain', () => {
    const domain = (a: string, b: string): string => level('website', { website: a }, { website: b })
    expect(domain('https://www.chicagocommons.org/about', 'chicagocommons.org')).toBe('exact')
    expect(domain('eu.example.co.uk', 'www.example.co.uk')).toBe('same registrable domain')
    expect(domain('example.com', 'example.org')).toBe('different')
  })
})
