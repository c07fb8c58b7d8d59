import { describe, expect, it } from 'vitest'
import { isGenericPhone, normalizePhone } from './phone.ts'

describe('normalizePhone', () => {
  it.each([
    ['(201) 555-0123', '+12015550123'],
    ['201.555.0123', '+12015550123'],
    ['201 555 0123', '+12015550123'],
    ['+1 201 555 0123', '+12015550123'],
    ['1-201-555-0123', '+12015550123'],
    ['tel:+1-201-555-0123', '+12015550123'],
    ['TEL:+12015550123', '+12015550123'],
  ])('reads %j as a US number', (raw, expected) => {
    expect(normalizePhone(raw, 'US')).toBe(expected)
  })

  it.each([
    ['(201) 555-0123 x45', '+12015550123'],
    ['201.555.0123 ext. 9', '+12015550123'],
    ['201-555-0123 extension 45', '+12015550123'],
    ['+1 201 555 0123 #12', '+12015550123'],
    ['tel:+1-201-555-0123;ext=12', '+12015550123'],
  ])('drops the extension of %j', (raw, expected) => {
    expect(normalizePhone(raw, 'US')).toBe(expected)
  })

  it('reads international numbers whatever the default country', () => {
    expect(normalizePhone('+44 20 7946 0958', 'US')).toBe('+442079460958')
    expect(normalizePhone('+44 (0)20 7946 0958', 'US')).toBe('+442079460958')
    expect(normalizePhone('+49 30 1234567')).toBe('+49301234567')
    expect(normalizePhone('+33 1 23 45 67 89', 'DE')).toBe('+33123456789')
  })

  it('reads the 00 international prefix with any default country, or none', () => {
    expect(normalizePhone('0044 20 7946 0958', 'US')).toBe('+442079460958')
    expect(normalizePhone('00 46 8 123 456 78')).toBe('+46812345678')
    expect(normalizePhone('(0044) 20 7946 0958', 'DE')).toBe('+442079460958')
  })

  it("reads the default country's own exit code", () => {
    expect(normalizePhone('011 44 20 7946 0958', 'US')).toBe('+442079460958')
    expect(normalizePhone('0011 44 20 7946 0958', 'AU')).toBe('+442079460958')
  })

  it('uses the default country only for national numbers, in any case', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958')
    expect(normalizePhone('020 7946 0958', 'gb')).toBe('+442079460958')
    expect(normalizePhone('02 9876 5432', 'AU')).toBe('+61298765432')
    expect(normalizePhone('030 1234567', 'DE')).toBe('+49301234567')
  })

  it('does not guess a country it was not given', () => {
    expect(normalizePhone('(201) 555-0123')).toBeUndefined()
    expect(normalizePhone('(201) 555-0123', 'XX')).toBeUndefined()
    expect(normalizePhone('44 20 7946 0958', 'US')).toBeUndefined()
  })

  it.each([
    '', '   ', 'n/a', '1234', '000-000-0000', '123-456-7890', '+1 (555) 123-4567', '(893) 788-0018', '1-800-FLOWERS',
    '201-555-0123 / 201-555-0124', '+',
  ])('rejects %j', (raw) => {
    expect(normalizePhone(raw, 'US')).toBeUndefined()
  })

  it('accepts null and undefined', () => {
    expect(normalizePhone(undefined, 'US')).toBeUndefined()
    expect(normalizePhone(null)).toBeUndefined()
  })
})

describe('isGenericPhone', () => {
  it('flags toll-free, premium-rate and shared-cost numbers', () => {
    expect(isGenericPhone('+18005550199')).toBe(true)
    expect(isGenericPhone('+448001234567')).toBe(true)
    expect(isGenericPhone('+449012345678')).toBe(true)
  })

  it('does not flag ordinary landlines and mobiles, or garbage', () => {
    expect(isGenericPhone('+12015550123')).toBe(false)
    expect(isGenericPhone('+442079460958')).toBe(false)
    expect(isGenericPhone('+447700900123')).toBe(false)
    expect(isGenericPhone('nonsense')).toBe(false)
  })
})
