import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { toSalesforceId18 } from './salesforce-id.ts'

const samples = [
  new URL('../../../../shared/datasets/sources/salesforce/sfdc-assets-ebikes-lwc/Account.csv', import.meta.url),
  new URL('../../../../shared/datasets/sources/salesforce/jsforce/Account_bulk2_test.csv', import.meta.url),
]

/** Ids in the samples: 18 letters and digits starting with a key prefix (001 Account, 005 User …). */
async function sampleIds(): Promise<string[]> {
  const ids = new Set<string>()
  for (const sample of samples) {
    for (const match of (await readFile(sample, 'utf8')).matchAll(/\b0[0-9A-Za-z]{17}\b/g)) ids.add(match[0])
  }
  return [...ids].sort()
}

describe('toSalesforceId18', () => {
  it('gives back the 18-character id of every sample id from its first 15 characters', async () => {
    const ids = await sampleIds()
    expect(ids).toEqual([
      '001Ox00000PVUoEIAX',
      '001Ox00000PWD3lIAH',
      '001Ox00000PWD3mIAH',
      '001Ox00000PWD3nIAH',
      '005Ox00000BFbiTIAT',
      '005Ox00000BFbk6IAD',
    ])
    for (const id of ids) {
      expect(toSalesforceId18(id.slice(0, 15))).toBe(id)
      expect(toSalesforceId18(id)).toBe(id)
    }
  })

  it('extends the ids of the Bulk API documentation and all-lower/all-upper ids', () => {
    expect(toSalesforceId18('005R0000000UyrW')).toBe('005R0000000UyrWIAS')
    expect(toSalesforceId18('aaaaaaaaaaaaaaa')).toBe('aaaaaaaaaaaaaaaAAA')
    expect(toSalesforceId18('AAAAAAAAAAAAAAA')).toBe('AAAAAAAAAAAAAAA555')
    expect(toSalesforceId18('  001Ox00000PWD3l ')).toBe('001Ox00000PWD3lIAH')
  })

  it('returns null for text that is not an id', () => {
    for (const bad of ['', '001Ox00000PWD3', '001Ox00000PWD3lIA', '001Ox00000PWD3lIAHX', '001Ox00000PWD-l', '001Ox00000PWD3lIA ', 'ö01Ox00000PWD3l']) {
      expect(toSalesforceId18(bad), bad).toBeNull()
    }
  })
})
