import { describe, expect, it } from 'vitest'
import { byIdsSoql, changesSoql, settledPosition, soqlDateTime } from './soql.ts'

const fields = [
  { name: 'Id', type: 'id' },
  { name: 'SystemModstamp', type: 'datetime' },
]

describe('changesSoql', () => {
  it('reads everything in SystemModstamp, Id order from no position', () => {
    expect(changesSoql('Contact', fields, null)).toBe('SELECT Id, SystemModstamp FROM Contact ORDER BY SystemModstamp, Id')
  })

  it('continues after a position by Id among records that share its SystemModstamp', () => {
    expect(changesSoql('Contact', fields, { systemModstamp: '2026-11-30T08:00:00.000Z', id: '003Hp000015ftgGIAQ' })).toBe(
      "SELECT Id, SystemModstamp FROM Contact WHERE SystemModstamp > 2026-11-30T08:00:00Z OR (SystemModstamp = 2026-11-30T08:00:00Z AND Id > '003Hp000015ftgGIAQ') ORDER BY SystemModstamp, Id",
    )
  })

  it('takes every record of the stamp again after an unordered Bulk load (id "")', () => {
    expect(changesSoql('Lead', fields, { systemModstamp: '2026-11-30T08:00:00.250Z', id: '' })).toBe(
      'SELECT Id, SystemModstamp FROM Lead WHERE SystemModstamp > 2026-11-30T08:00:00.250Z OR SystemModstamp = 2026-11-30T08:00:00.250Z ORDER BY SystemModstamp, Id',
    )
  })
})

describe('literals', () => {
  it('writes unquoted UTC datetimes and refuses what is not an id', () => {
    expect(soqlDateTime('2026-01-31T10:00:00+02:00')).toBe('2026-01-31T08:00:00Z')
    expect(() => soqlDateTime('yesterday')).toThrow(/not a datetime/)
    expect(byIdsSoql('Contact', fields, ['003Hp000015ftgGIAQ'])).toBe("SELECT Id, SystemModstamp FROM Contact WHERE Id IN ('003Hp000015ftgGIAQ')")
    expect(() => byIdsSoql('Contact', fields, ["x' OR Id != '"])).toThrow(/not a Salesforce id/)
  })
})

describe('settledPosition', () => {
  const now = new Date('2026-12-01T12:00:00.000Z')
  const old = { systemModstamp: '2026-11-30T08:00:00.000Z', id: '003Hp000015ftgGIAQ' }
  const young = { systemModstamp: '2026-12-01T11:58:00.000Z', id: '003Hp000015ftgrIAA' }

  it('commits the last record’s position when it is older than the lag', () => {
    expect(settledPosition(old, now, 300_000, null)).toBe(old)
    expect(settledPosition(young, now, 0, null)).toBe(young)
    expect(settledPosition(null, now, 300_000, null)).toBeNull()
  })

  it('stays at the start of the unsettled span for a younger record, but never before where the read began', () => {
    expect(settledPosition(young, now, 300_000, old)).toEqual({ systemModstamp: '2026-12-01T11:55:00.000Z', id: '' })
    const ahead = { systemModstamp: '2999-01-01T00:00:00.000Z', id: '' }
    expect(settledPosition(ahead, now, 300_000, ahead)).toBe(ahead)
  })
})
