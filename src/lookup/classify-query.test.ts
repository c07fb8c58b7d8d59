import { describe, expect, it } from 'vitest'
import { classifyQuery } from './classify-query.ts'

describe('classifyQuery', () => {
  it.each([
    ['  Ada.Lovelace+crm@Example.COM ', { as: 'email', email: 'ada.lovelace@example.com', domain: 'example.com' }],
    ['ada@gmail.com', { as: 'email', email: 'ada@gmail.com', domain: null }],
    ['+1 (415) 555-0100', { as: 'phone', e164: '+14155550100' }],
    ['https://www.Acme-Corp.co.uk/about', { as: 'domain', domain: 'acme-corp.co.uk' }],
    ['acme.com', { as: 'domain', domain: 'acme.com' }],
    ['0DB2B5B4-7A3E-4C4B-9C55-3F0C7E6B0A11', { as: 'entity_id', entityId: '0db2b5b4-7a3e-4c4b-9c55-3f0c7e6b0a11' }],
    ['salesforce:Contact:0035e00000AbCdE', { as: 'record', ref: 'salesforce:Contact:0035e00000AbCdEAAV' }],
    ['slack:user:U024BE7LH', { as: 'record', ref: 'slack:user:U024BE7LH' }],
    ['U024BE7LH', { as: 'system_id', sourceIds: ['U024BE7LH'] }],
    ['21001', { as: 'system_id', sourceIds: ['21001'] }],
    ['Björn  Ångström', { as: 'name', text: 'Björn Ångström', folded: 'bjorn angstrom' }],
    ['Acme, Inc.', { as: 'name', text: 'Acme, Inc.', folded: 'acme, inc.' }],
  ])('reads %j', (query, expected) => {
    expect(classifyQuery(query)).toEqual(expected)
  })

  it('adds the 18-character form of a 15-character Salesforce id', () => {
    expect(classifyQuery('0035e00000AbCdE')).toEqual({ as: 'system_id', sourceIds: ['0035e00000AbCdE', '0035e00000AbCdEAAV'] })
  })
})
