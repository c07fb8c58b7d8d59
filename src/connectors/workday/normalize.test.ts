import { describe, expect, it } from 'vitest'
import { canonicalRecordSchema } from '../../schema/canonical.ts'
import type { LandedRecord, NormalizeResult } from '../types.ts'
import { normalizeColumnKey, resolveWorkerFields } from './columns.ts'
import { normalizeWorker } from './normalize.ts'
import { normalizeDate, parseActive } from './values.ts'

function landed(sourceId: string, payload: Record<string, unknown>): LandedRecord {
  return { system: 'workday', objectType: 'worker', sourceId, payload, sourceUpdatedAt: undefined }
}

/** Normalises and checks every record against the canonical schema. */
function normalize(record: LandedRecord, settings: Record<string, unknown> = {}): NormalizeResult {
  const result = normalizeWorker(record, { settings })
  for (const canonical of result.records) expect(() => canonicalRecordSchema.parse(canonical)).not.toThrow()
  return result
}

// A RaaS Report_Entry as the report's XML aliases name its columns; the manager is a multi-instance group.
const raasEntry = {
  Employee_ID: '21003',
  Worker: 'Theresa Serrano',
  'Legal_Name_-_First_Name': 'Teresa',
  'Legal_Name_-_Last_Name': 'Serrano',
  'Preferred_Name_-_First_Name': 'Terri',
  'Preferred_Name_-_Last_Name': 'Serrano',
  'Email_-_Work': 'tserrano@acme.example',
  'Email_-_Home': 'terri.s@mail.example',
  primaryWorkPhone: '+1 (415) 555-0142',
  businessTitle: 'Director, Field Sales',
  Supervisory_Organization: 'Field Sales (Logan McNeil)',
  Cost_Center: '41000 Sales',
  Location: 'San Francisco',
  Company: 'Acme Inc.',
  Worker_Type: 'Regular',
  Hire_Date: '2019-04-01',
  Active_Status: '1',
  Worker_s_Manager_group: [{ Worker_s_Manager: 'Logan McNeil', Manager_ID: '21001', 'Email_-_Work': 'lmcneil@acme.example' }],
}

describe('normalizeColumnKey', () => {
  it('brings aliases, labels and camelCase to one form', () => {
    expect(
      ['Email_-_Work', 'Email - Work', 'email_work', 'EMAIL WORK', 'primaryWorkEmail', 'Primary_Work_Email', "Worker's Manager", 'employeeID'].map(
        normalizeColumnKey,
      ),
    ).toEqual(['email_work', 'email_work', 'email_work', 'email_work', 'primary_work_email', 'primary_work_email', 'worker_s_manager', 'employee_id'])
  })

  it('maps every spelling of the work email to workEmail', () => {
    for (const key of ['Email_-_Work', 'Email - Work', 'email_work', 'Work Email', 'primaryWorkEmail', 'Primary_Work_Email', 'CF_Email_Work']) {
      expect(resolveWorkerFields({ [key]: 'a@b.example' }, {}).workEmail, key).toEqual({ text: 'a@b.example', path: key })
    }
  })

  it('prefers a non-empty value and the better alias', () => {
    expect(resolveWorkerFields({ Email: 'x@b.example', 'Email - Work': '  ' }, {}).workEmail?.text).toBe('x@b.example')
    expect(resolveWorkerFields({ Email: 'x@b.example', 'Email - Work': 'w@b.example' }, {}).workEmail?.text).toBe('w@b.example')
  })

  it('lets the mapping override win, and a mapped column counts only for its mapped field', () => {
    const entry = { 'Badge Number': 'B-7', 'Employee ID': '100', Mail: 'm@b.example' }
    const fields = resolveWorkerFields(entry, { 'Badge Number': 'employeeId', 'Employee ID': 'wid', mail: 'workEmail' })
    expect(fields.employeeId).toEqual({ text: 'B-7', path: 'Badge Number' })
    expect(fields.wid).toEqual({ text: '100', path: 'Employee ID' })
    expect(fields.workEmail).toEqual({ text: 'm@b.example', path: 'Mail' })
  })
})

describe('values', () => {
  it('reads dates in the formats exports use', () => {
    expect(['2024-03-01', '2024-03-01-08:00', '2024-03-01T00:00:00.000Z', '3/1/2024', '03/01/2024', '25/12/2023', '01-Mar-2024', '45352'].map(normalizeDate)).toEqual([
      '2024-03-01',
      '2024-03-01',
      '2024-03-01',
      '2024-03-01',
      '2024-03-01',
      '2023-12-25',
      '2024-03-01',
      '2024-03-01',
    ])
    expect(['2024-02-30', 'soon', '13/13/2024', ''].map(normalizeDate)).toEqual([undefined, undefined, undefined, undefined])
  })

  it('reads active flags', () => {
    expect(['1', '0', 'Yes', 'no', 'true', 'FALSE', 'Active', 'Terminated', 'maybe'].map(parseActive)).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      undefined,
    ])
  })
})

describe('normalizeWorker', () => {
  it('turns a RaaS entry into an internal person who reports to the manager of the group', () => {
    expect(normalize(landed('21003', raasEntry))).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "tserrano@acme.example",
                "primary": true,
                "type": "work",
              },
              {
                "address": "terri.s@mail.example",
                "type": "personal",
              },
            ],
            "employment": {
              "active": true,
              "costCenter": "41000 Sales",
              "department": "Field Sales (Logan McNeil)",
              "employeeId": "21003",
              "hireDate": "2019-04-01",
              "location": "San Francisco",
              "managerEmail": "lmcneil@acme.example",
              "managerEmployeeId": "21001",
              "managerRef": {
                "objectType": "worker",
                "sourceId": "21001",
                "system": "workday",
              },
              "title": "Director, Field Sales",
              "workerType": "Regular",
            },
            "externalIds": [],
            "internal": true,
            "kind": "person",
            "location": "San Francisco",
            "name": {
              "family": "Serrano",
              "full": "Theresa Serrano",
              "given": "Teresa",
              "preferred": "Terri Serrano",
            },
            "organizationName": "Acme Inc.",
            "phones": [
              {
                "number": "+1 (415) 555-0142",
                "type": "work",
              },
            ],
            "status": "active",
            "title": "Director, Field Sales",
          },
          {
            "attributes": {
              "managerName": "Logan McNeil",
            },
            "from": {
              "objectType": "worker",
              "sourceId": "21003",
              "system": "workday",
            },
            "kind": "link",
            "linkType": "reports_to",
            "to": {
              "objectType": "worker",
              "sourceId": "21001",
              "system": "workday",
            },
          },
        ],
      }
    `)
  })

  it('reads a UI CSV/XLSX row with labels as headers and M/D/YYYY dates', () => {
    const row = {
      'Employee ID': '21044',
      'Legal First Name': 'Pat',
      'Legal Last Name': 'Lee',
      'Work Email': 'plee@acme.example',
      'Phone - Work': '',
      'Mobile Phone': '+44 7700 900123',
      'Business Title': 'Account Executive',
      'Supervisory Organization': 'EMEA Sales',
      'Hire Date': '7/15/2021',
      'Termination Date': '1/31/2024',
      'Manager Employee ID': '21003',
      "Manager's Email": 'tserrano@acme.example',
    }
    expect(normalize(landed('21044', row))).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "plee@acme.example",
                "primary": true,
                "type": "work",
              },
            ],
            "employment": {
              "active": false,
              "department": "EMEA Sales",
              "employeeId": "21044",
              "hireDate": "2021-07-15",
              "managerEmail": "tserrano@acme.example",
              "managerEmployeeId": "21003",
              "managerRef": {
                "objectType": "worker",
                "sourceId": "21003",
                "system": "workday",
              },
              "terminationDate": "2024-01-31",
              "title": "Account Executive",
            },
            "externalIds": [],
            "internal": true,
            "kind": "person",
            "name": {
              "family": "Lee",
              "full": "Pat Lee",
              "given": "Pat",
            },
            "phones": [
              {
                "number": "+44 7700 900123",
                "type": "mobile",
              },
            ],
            "status": "inactive",
            "title": "Account Executive",
          },
          {
            "attributes": {},
            "from": {
              "objectType": "worker",
              "sourceId": "21044",
              "system": "workday",
            },
            "kind": "link",
            "linkType": "reports_to",
            "to": {
              "objectType": "worker",
              "sourceId": "21003",
              "system": "workday",
            },
          },
        ],
      }
    `)
  })

  it('reads a REST worker: WID as external id, reference descriptors as values', () => {
    const worker = {
      id: '3aa5550b7fe348b98d7b5741afc65534',
      descriptor: 'Logan McNeil',
      href: 'https://wd2-impl-services1.workday.com/ccx/api/v1/acme/workers/3aa5550b7fe348b98d7b5741afc65534',
      primaryWorkEmail: 'lmcneil@acme.example',
      primaryWorkPhone: '+1 (415) 555-0100',
      businessTitle: 'Chief Revenue Officer',
      isManager: true,
      primarySupervisoryOrganization: { id: 'e1b0', descriptor: 'Revenue (Logan McNeil)', href: 'https://x.example/orgs/e1b0' },
      location: { id: 'l1', descriptor: 'San Francisco' },
    }
    expect(normalize(landed(worker.id, worker))).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "lmcneil@acme.example",
                "primary": true,
                "type": "work",
              },
            ],
            "employment": {
              "department": "Revenue (Logan McNeil)",
              "location": "San Francisco",
              "title": "Chief Revenue Officer",
            },
            "externalIds": [
              {
                "type": "workday_wid",
                "value": "3aa5550b7fe348b98d7b5741afc65534",
              },
            ],
            "internal": true,
            "kind": "person",
            "location": "San Francisco",
            "name": {
              "full": "Logan McNeil",
            },
            "phones": [
              {
                "number": "+1 (415) 555-0100",
                "type": "work",
              },
            ],
            "title": "Chief Revenue Officer",
          },
        ],
      }
    `)
  })

  it('reads the nested REST worker shape (primaryJob, person) of older API versions', () => {
    const worker = {
      id: 'wid-9',
      descriptor: 'Sam Ortiz',
      primaryJob: {
        id: 'job-1',
        descriptor: 'Sales Engineer',
        businessTitle: 'Senior Sales Engineer',
        supervisoryOrganization: { id: 'o1', descriptor: 'Solutions' },
        location: { id: 'l2', descriptor: 'Austin', country: { descriptor: 'United States of America' } },
      },
      person: { id: 'p-9', email: 'sortiz@acme.example', phone: '+1 512 555 0101' },
    }
    expect(normalize(landed('wid-9', worker))).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "sortiz@acme.example",
                "primary": true,
                "type": "work",
              },
            ],
            "employment": {
              "department": "Solutions",
              "location": "Austin",
              "title": "Senior Sales Engineer",
            },
            "externalIds": [
              {
                "type": "workday_wid",
                "value": "wid-9",
              },
            ],
            "internal": true,
            "kind": "person",
            "location": "Austin",
            "name": {
              "full": "Sam Ortiz",
            },
            "phones": [
              {
                "number": "+1 512 555 0101",
                "type": "work",
              },
            ],
            "title": "Senior Sales Engineer",
          },
        ],
      }
    `)
  })

  it('uses the mapping from the settings', () => {
    const row = { 'Badge Number': 'B-7', 'Display Name': 'Kim Park', Mail: 'kpark@acme.example', Boss: 'B-1' }
    const settings = { mapping: { 'Badge Number': 'employeeId', 'Display Name': 'fullName', Mail: 'workEmail', Boss: 'managerId' } }
    const [person, link] = normalize(landed('B-7', row), settings).records
    expect(person).toMatchObject({ name: { full: 'Kim Park' }, emails: [{ address: 'kpark@acme.example' }], employment: { employeeId: 'B-7' } })
    expect(link).toMatchObject({ linkType: 'reports_to', to: { sourceId: 'B-1' } })
  })

  it('reports a bad mapping setting, a bad date and a bad active flag as issues and keeps going', () => {
    const row = { Employee_ID: '5', Hire_Date: 'last spring', Active_Status: 'maybe', Worker: 'A B' }
    const result = normalize(landed('5', row), { mapping: { Worker: 'nickname' } })
    expect(result.issues).toMatchInlineSnapshot(`
      [
        {
          "code": "W_WORKDAY_MAPPING",
          "message": "settings.mapping: the column mapping maps "Worker" to "nickname", which is not a worker field; allowed: employeeId, wid, firstName, lastName, preferredFirstName, preferredLastName, preferredName, fullName, workEmail, homeEmail, workPhone, mobilePhone, homePhone, title, department, location, costCenter, company, workerType, hireDate, terminationDate, active, managerId, managerEmail, managerName; ignored",
        },
        {
          "code": "W_WORKDAY_DATE",
          "message": "Hire_Date is "last spring", not a date; allowed: YYYY-MM-DD or M/D/YYYY; kept as stated",
          "path": "Hire_Date",
        },
        {
          "code": "W_WORKDAY_ACTIVE",
          "message": "Active_Status is "maybe", not an active flag; allowed: 1/0, Yes/No, true/false, Active/Inactive/Terminated; left unknown",
          "path": "Active_Status",
        },
      ]
    `)
    expect(result.records[0]).toMatchObject({ employment: { hireDate: 'last spring' } })
    expect(result.records[0]).not.toHaveProperty('status')
  })

  it('infers inactive from a termination date, and makes no link to oneself', () => {
    const row = { Employee_ID: '1', Worker: 'Top Boss', Termination_Date: '2024-06-30', Manager_ID: '1' }
    const { records } = normalize(landed('1', row))
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({ status: 'inactive', employment: { active: false, managerEmployeeId: '1' } })
    expect(records[0]).not.toHaveProperty('employment.managerRef')
  })

  it('notes a worker identified by a hash of its values', () => {
    const result = normalize(landed('row:0123456789abcdef01234567', { A: 'B', foo: 'bar', C: '3' }))
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "W_WORKDAY_NO_ID",
            "message": "the report has no employee id column, so this worker is identified by a hash of its values: a changed value lands as a new worker; add Employee_ID to the report or map an id column",
          },
        ],
        "records": [
          {
            "emails": [],
            "employment": {},
            "externalIds": [],
            "internal": true,
            "kind": "person",
            "name": {},
            "phones": [],
          },
        ],
      }
    `)
  })

  it('trims values and drops empty ones', () => {
    const { records } = normalize(landed('7', { Employee_ID: ' 7 ', 'Email_-_Work': '  ', Worker: '  Ann Example ', Location: '' }))
    expect(records).toEqual([{ kind: 'person', name: { full: 'Ann Example' }, emails: [], phones: [], internal: true, employment: { employeeId: '7' }, externalIds: [] }])
  })
})
