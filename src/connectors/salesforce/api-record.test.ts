import { describe, expect, it } from 'vitest'
import { apiRawRecord, restRecordPayload, type FieldInfo } from './api-record.ts'
import { normalizeSalesforceRecord } from './normalize.ts'

const CONTACT = '003Hp000015ftgGIAQ'
const ACCOUNT = '001Hp000015ftgGIAQ'
const fields: FieldInfo[] = [
  { name: 'Id', type: 'id' },
  { name: 'IsDeleted', type: 'boolean' },
  { name: 'AccountId', type: 'reference' },
  { name: 'LastName', type: 'string' },
  { name: 'Email', type: 'email' },
  { name: 'NumberOfEmployees', type: 'int' },
  { name: 'Amount', type: 'currency' },
  { name: 'LastActivityDate', type: 'date' },
  { name: 'SystemModstamp', type: 'datetime' },
  { name: 'Notes__c', type: 'string' },
]
const where = { endpoint: 'queryAll Contact', page: 2 }

describe('restRecordPayload', () => {
  it('writes a REST record as the Data Export writes it: text, empty for null, datetimes with Z, no attributes', () => {
    const record = {
      attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${CONTACT}` },
      Id: CONTACT,
      IsDeleted: false,
      AccountId: ACCOUNT,
      LastName: 'Ångström',
      Email: null,
      NumberOfEmployees: 1980,
      Amount: 12.5,
      LastActivityDate: '2026-09-07',
      SystemModstamp: '2023-11-23T06:11:27.000+0000',
      Notes__c: '2023-11-23T06:11:27.000+0000',
    }
    expect(restRecordPayload(record, fields)).toEqual({
      payload: {
        Id: CONTACT,
        IsDeleted: 'false',
        AccountId: ACCOUNT,
        LastName: 'Ångström',
        Email: '',
        NumberOfEmployees: '1980',
        Amount: '12.5',
        LastActivityDate: '2026-09-07',
        SystemModstamp: '2023-11-23T06:11:27.000Z',
        // a text field that looks like a datetime keeps its text: only datetime fields are rewritten
        Notes__c: '2023-11-23T06:11:27.000+0000',
      },
    })
  })

  it('keeps compound values as JSON text and leaves out fields the record lacks', () => {
    const result = restRecordPayload({ attributes: { type: 'Account' }, Id: ACCOUNT, BillingAddress: { city: 'Belmont' } }, [
      { name: 'Id', type: 'id' },
      { name: 'BillingAddress', type: 'address' },
      { name: 'Name', type: 'string' },
    ])
    expect(result).toEqual({ payload: { Id: ACCOUNT, BillingAddress: '{"city":"Belmont"}' } })
  })

  it('says why something is not a query record', () => {
    expect(restRecordPayload({ Id: CONTACT }, fields)).toEqual({ problem: expect.stringContaining('attributes') })
    expect(restRecordPayload('nope', fields)).toEqual({ problem: expect.stringContaining('not a query record') })
  })
})

describe('apiRawRecord', () => {
  it('lands the export-shaped payload under its 18-character Id with SystemModstamp as the change time', () => {
    const result = apiRawRecord('Contact', { Id: CONTACT, IsDeleted: 'false', SystemModstamp: '2023-11-23T06:11:27.000Z' }, where)
    expect(result).toEqual({
      record: { objectType: 'Contact', sourceId: CONTACT, payload: { Id: CONTACT, IsDeleted: 'false', SystemModstamp: '2023-11-23T06:11:27.000Z' }, sourceUpdatedAt: '2023-11-23T06:11:27.000Z', provenance: where },
    })
  })

  it('marks a record in the recycle bin deleted and keeps its data', () => {
    const result = apiRawRecord('Contact', { Id: CONTACT, IsDeleted: 'true', LastName: 'Smith' }, where)
    expect(result).toMatchObject({ record: { deleted: { reason: 'IsDeleted' }, payload: { LastName: 'Smith' } } })
  })

  it('rejects a record without a usable Id or IsDeleted, with where it was read', () => {
    expect(apiRawRecord('Contact', { Id: 'bogus' }, where)).toEqual({
      reject: {
        code: 'E_SF_ID',
        message: 'queryAll Contact page 2: Id "bogus" is not a Salesforce record id (15 or 18 letters and digits); the record was not synced',
        location: where,
        objectType: 'Contact',
        raw: '{"Id":"bogus"}',
      },
    })
    expect(apiRawRecord('Contact', { Id: CONTACT, IsDeleted: 'maybe' }, where)).toMatchObject({ reject: { code: 'E_SF_BOOLEAN' } })
  })

  it('normalises an API record exactly as the same export row', () => {
    const exported = { Id: CONTACT, IsDeleted: 'false', AccountId: ACCOUNT, LastName: 'Smith', Email: 'js@example.com', SystemModstamp: '2023-11-23T06:11:27.000Z' }
    const api = restRecordPayload({ attributes: { type: 'Contact' }, ...exported, IsDeleted: false, SystemModstamp: '2023-11-23T06:11:27.000+0000' }, fields)
    expect(api).toEqual({ payload: exported })
    const landed = (payload: Record<string, string>) => normalizeSalesforceRecord({ system: 'salesforce', objectType: 'Contact', sourceId: CONTACT, payload, sourceUpdatedAt: undefined }, { settings: {} })
    expect(landed('payload' in api ? api.payload : {})).toEqual(landed(exported))
  })
})
