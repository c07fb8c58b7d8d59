import { describe, expect, it } from 'vitest'
import { parseSalesforceBoolean, parseSalesforceDate, parseSalesforceDateTime, parseSalesforceNumber } from './values.ts'

describe('parseSalesforceDateTime', () => {
  it.each([
    ['2024-09-15T10:04:25.000Z', '2024-09-15T10:04:25.000Z'],
    ['2024-09-15T10:04:25.000+0000', '2024-09-15T10:04:25.000Z'],
    ['2024-09-15T12:04:25+02:00', '2024-09-15T10:04:25.000Z'],
    ['2024-09-15T10:04Z', '2024-09-15T10:04:00.000Z'],
    ['2024-09-15 10:04:25', '2024-09-15T10:04:25.000Z'],
    ['2024-09-15', '2024-09-15T00:00:00.000Z'],
    ['02/23/26 08:55 PM', '2026-02-23T20:55:00.000Z'],
    ['02/23/26 12:05 AM', '2026-02-23T00:05:00.000Z'],
    ['2/3/2026 20:55', '2026-02-03T20:55:00.000Z'],
    ['23/02/26', '2026-02-23T00:00:00.000Z'],
    ['12/31/99', '1999-12-31T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseSalesforceDateTime(text)).toBe(iso)
  })

  it.each(['', 'yesterday', '2024-02-30', '2024-09-15T25:00:00Z', '13/13/26', '02/23/26 13:00 PM', '2024-09-15T10:04:25+2500'])(
    'refuses %j',
    (text) => {
      expect(parseSalesforceDateTime(text)).toBeUndefined()
    },
  )
})

describe('parseSalesforceDate', () => {
  it('reads dates, Excel dates and datetimes as YYYY-MM-DD', () => {
    expect(parseSalesforceDate('2024-09-15')).toBe('2024-09-15')
    expect(parseSalesforceDate('02/23/26')).toBe('2026-02-23')
    expect(parseSalesforceDate('2024-09-15T23:30:00.000-0200')).toBe('2024-09-16')
    expect(parseSalesforceDate('2024-09-15T00:00:00.000+0000')).toBe('2024-09-15')
    expect(parseSalesforceDate('soon')).toBeUndefined()
  })
})

describe('parseSalesforceBoolean', () => {
  it('reads true/false in any case and 1/0; anything else is not a boolean', () => {
    expect(['true', 'TRUE', 'True', '1', ' true '].map(parseSalesforceBoolean)).toEqual([true, true, true, true, true])
    expect(['false', 'FALSE', '0'].map(parseSalesforceBoolean)).toEqual([false, false, false])
    expect(['', 'yes', '2'].map(parseSalesforceBoolean)).toEqual([undefined, undefined, undefined])
  })
})

describe('parseSalesforceNumber', () => {
  it('reads decimals, Excel scientific notation and thousands separators', () => {
    expect(['3.00E+07', '1234.5', '-12', '30,000.00', '.5'].map(parseSalesforceNumber)).toEqual([30_000_000, 1234.5, -12, 30_000, 0.5])
    expect(['', '1,5', '$100', 'NaN', '12abc'].map(parseSalesforceNumber)).toEqual([undefined, undefined, undefined, undefined, undefined])
  })
})
