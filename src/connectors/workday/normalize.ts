import type { CanonicalRecord, Person } from '../../schema/canonical.ts'
import { type LandedRecord, type NormalizeContext, type NormalizeIssue, type NormalizeResult, refTo } from '../types.ts'
import { readColumnMapping, resolveWorkerFields, type ResolvedValue, type ResolvedWorker } from './columns.ts'
import { normalizeDate, parseActive } from './values.ts'

/** Source ids of workers from a report without any employee id column (see export.ts). */
export const hashedIdPrefix = 'row:'

type Employment = NonNullable<Person['employment']>

/**
 * A Workday worker → an internal person, plus a `reports_to` link to the manager's worker record
 * when the manager's employee id is known. Columns are matched to fields here, not when reading, so
 * the landed payload stays as the report stated it; the column mapping override comes from the
 * connection settings (`settings.mapping`), the same one the import used.
 */
export function normalizeWorker(record: LandedRecord, context: NormalizeContext): NormalizeResult {
  const issues: NormalizeIssue[] = []
  if (record.objectType !== 'worker') {
    return {
      records: [],
      issues: [{ code: 'W_WORKDAY_OBJECT_TYPE', message: `Workday records are of type "worker"; "${record.objectType}" is not normalised` }],
    }
  }
  const { mapping, problems } = readColumnMapping(context.settings.mapping)
  for (const problem of problems) issues.push({ code: 'W_WORKDAY_MAPPING', message: `settings.mapping: ${problem.message}; ignored` })

  const fields = resolveWorkerFields(record.payload, mapping)
  const text = (field: keyof ResolvedWorker): string | undefined => fields[field]?.text
  if (record.sourceId.startsWith(hashedIdPrefix)) {
    issues.push({
      code: 'W_WORKDAY_NO_ID',
      message:
        'the report has no employee id column, so this worker is identified by a hash of its values: a changed value lands as a new worker; add Employee_ID to the report or map an id column',
    })
  }

  const given = text('firstName')
  const family = text('lastName')
  const legalFull = joinName(given, family)
  const full = text('fullName') ?? legalFull
  const preferredStated = text('preferredName') ?? joinName(text('preferredFirstName'), text('preferredLastName'))
  // The schema keeps `preferred` for a name that differs from the legal one.
  const preferred = preferredStated !== undefined && preferredStated !== legalFull && preferredStated !== full ? preferredStated : undefined

  const emails: Person['emails'] = []
  const workEmail = text('workEmail')
  const homeEmail = text('homeEmail')
  if (workEmail !== undefined) emails.push({ address: workEmail, type: 'work', primary: true })
  if (homeEmail !== undefined) emails.push({ address: homeEmail, type: 'personal' })

  const phones: Person['phones'] = []
  const phoneTypes = [
    ['workPhone', 'work'],
    ['mobilePhone', 'mobile'],
    ['homePhone', 'home'],
  ] as const
  for (const [field, type] of phoneTypes) {
    const number = text(field)
    if (number !== undefined) phones.push({ number, type })
  }

  const hireDate = dateField(fields.hireDate, issues)
  const terminationDate = dateField(fields.terminationDate, issues)
  const active = activeField(fields.active, terminationDate, issues)

  const employeeId = text('employeeId')
  const managerId = text('managerId')
  // Some tenants make the top of the hierarchy its own manager; that is no reporting line.
  const managerRef =
    managerId !== undefined && managerId !== employeeId && managerId !== record.sourceId ? refTo('workday', 'worker', managerId) : undefined

  const wid = text('wid') ?? restWid(record.payload)
  const title = text('title')
  const location = text('location')
  const employment: Employment = compact({
    employeeId,
    title,
    department: text('department'),
    managerRef,
    managerEmployeeId: managerId,
    managerEmail: text('managerEmail'),
    hireDate,
    terminationDate,
    active,
    workerType: text('workerType'),
    location,
    costCenter: text('costCenter'),
  })

  const person: Person = compact({
    kind: 'person' as const,
    name: compact({ full, given, family, preferred }),
    emails,
    phones,
    title,
    organizationName: text('company'),
    internal: true,
    status: active === undefined ? undefined : active ? ('active' as const) : ('inactive' as const),
    location,
    employment,
    externalIds: wid === undefined ? [] : [{ type: 'workday_wid', value: wid }],
  })

  const records: CanonicalRecord[] = [person]
  if (managerRef !== undefined) {
    records.push({
      kind: 'link',
      linkType: 'reports_to',
      from: refTo('workday', 'worker', record.sourceId),
      to: managerRef,
      // The manager's name as this report states it, for people reading the edge; identity comes from the id.
      attributes: compact({ managerName: text('managerName') }),
    })
  }
  return { records, issues }
}

function joinName(first: string | undefined, last: string | undefined): string | undefined {
  const joined = [first, last].filter((part) => part !== undefined).join(' ')
  return joined === '' ? undefined : joined
}

function dateField(value: ResolvedValue | undefined, issues: NormalizeIssue[]): string | undefined {
  if (value === undefined) return undefined
  const date = normalizeDate(value.text)
  if (date !== undefined) return date
  issues.push({
    code: 'W_WORKDAY_DATE',
    message: `${value.path} is "${value.text}", not a date; allowed: YYYY-MM-DD or M/D/YYYY; kept as stated`,
    path: value.path,
  })
  return value.text
}

/**
 * Active_Status as stated; when the report has no status column but states a termination date, the
 * worker counts as inactive (normalising is pure, so a future termination date cannot be told apart).
 */
function activeField(value: ResolvedValue | undefined, terminationDate: string | undefined, issues: NormalizeIssue[]): boolean | undefined {
  if (value === undefined) return terminationDate === undefined ? undefined : false
  const active = parseActive(value.text)
  if (active === undefined) {
    issues.push({
      code: 'W_WORKDAY_ACTIVE',
      message: `${value.path} is "${value.text}", not an active flag; allowed: 1/0, Yes/No, true/false, Active/Inactive/Terminated; left unknown`,
      path: value.path,
    })
  }
  return active ?? (terminationDate === undefined ? undefined : false)
}

/** REST workers carry their WID as `id` (RaaS and UI exports name a WID column explicitly). */
function restWid(payload: Record<string, unknown>): string | undefined {
  const id = payload.id
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined
}

/** Drops undefined properties, so records and snapshots show only what the source stated. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T
}
