import type { Rng } from './random.ts'
import { departments, DAY_MS, officeLocations, ourCompany, REFERENCE_MS, type Department } from './reference-data.ts'
import { drawPersonName, everydayFirst, type PersonName } from './person-names.ts'
import { claimLocalPart, emailLocalPart, personalEmail } from './names.ts'
import { personEntityId, slackId, slackUserSpace } from './ids.ts'

/** One of our own employees, complete; lives only while its rows are written. */
export interface Employee {
  readonly index: number
  readonly entityId: string
  /** Workday Employee_ID, also Salesforce User.EmployeeNumber and the Google directory "Employee ID". */
  readonly employeeId: string
  readonly name: PersonName
  /** Canonical lower-case work address; systems may show it with different letter case. */
  readonly workEmail: string
  readonly homeEmail: string | undefined
  readonly department: Department
  readonly departmentIndex: number
  readonly title: string
  readonly location: string
  readonly managerIndex: number
  readonly hireMs: number
  readonly terminationMs: number | undefined
  readonly workPhone: string
  readonly mobilePhone: string | undefined
  readonly employeeType: 'Full-time' | 'Part-time' | 'Contractor'
  readonly slackUserId: string
  readonly slackHandle: string
}

/**
 * What later stages need about every employee (owners, chat authors, meeting organisers), in compact
 * columns: at a million people this directory is the largest thing held in memory (~150k entries).
 */
export interface EmployeeDirectory {
  readonly planned: number
  size: number
  readonly firstNames: string[]
  readonly lastNames: string[]
  readonly emails: string[]
  readonly handles: string[]
  readonly departments: Uint8Array
  /** Manager's index; -1 for the CEO. */
  readonly managers: Int32Array
  /** Epoch ms of termination; 0 while employed. */
  readonly terminatedAt: Float64Array
  /** 18-character Salesforce User id, or '' for employees without a licence. */
  readonly salesforceUserIds: string[]
  readonly byDepartment: number[][]
  /** Employees with a sales or customer-success Salesforce licence: account and deal owners. */
  readonly salesOwners: number[]
  /** Employees with a support licence: case owners. */
  readonly supportOwners: number[]
  /** Work-email local parts in use, so two employees never share an address. */
  readonly usedLocals: Set<string>
}

export const executiveDepartment: Department = {
  name: 'Executive', weight: 0, salesforce: false, headTitle: 'Chief Executive Officer', titles: ['Chief Executive Officer'],
}
export const EXECUTIVE_INDEX = departments.length

export function departmentAt(index: number): Department {
  return departments[index] ?? executiveDepartment
}

export function createEmployeeDirectory(planned: number): EmployeeDirectory {
  return {
    planned,
    size: 0,
    firstNames: [],
    lastNames: [],
    emails: [],
    handles: [],
    departments: new Uint8Array(planned),
    managers: new Int32Array(planned),
    terminatedAt: new Float64Array(planned),
    salesforceUserIds: [],
    byDepartment: departments.map(() => []),
    salesOwners: [],
    supportOwners: [],
    usedLocals: new Set(['support', 'billing', 'info', 'sales']),
  }
}

export function employeeSlackId(index: number): string {
  return slackId('U', slackUserSpace.employee + index)
}

export function workdayEmployeeId(index: number): string {
  return String(100_001 + index)
}

/** Index of the employee the generator forces to be a terminated sales rep (a mess case every run has). */
export function forcedTerminatedSalesRep(): number {
  return departments.length + 1
}

const departmentWeights = departments.map((department, index) => [index, department.weight] as const)
const EARLIEST_HIRE = Date.UTC(2014, 2, 1)

/**
 * Builds employee `index`. Index 0 is the CEO, 1…10 head the departments, the rest join a weighted
 * department and report to one of its senior members (the first sixth), which gives a realistic tree
 * with managers always earlier in the order — every writer can resolve a manager already written.
 */
export function nextEmployee(rng: Rng, directory: EmployeeDirectory, index: number): Employee {
  const headCount = departments.length
  let departmentIndex: number
  let managerIndex: number
  let title: string
  const forcedTerminated = index === forcedTerminatedSalesRep()
  if (index === 0) {
    departmentIndex = EXECUTIVE_INDEX
    managerIndex = -1
    title = executiveDepartment.headTitle
  } else if (index <= headCount) {
    departmentIndex = index - 1
    managerIndex = 0
    title = departmentAt(departmentIndex).headTitle
  } else {
    departmentIndex = forcedTerminated ? 1 : rng.weighted(departmentWeights)
    const members = directory.byDepartment[departmentIndex] ?? []
    const seniors = Math.max(1, Math.ceil(members.length / 6))
    managerIndex = members[Math.floor(rng.float() * seniors)] ?? 0
    title = rng.pick(departmentAt(departmentIndex).titles)
  }
  const department = departmentAt(departmentIndex)

  const name = drawPersonName(rng)
  // A few fixed names so even the smallest company has a preferred name and diacritics to resolve.
  if (index === headCount + 2) Object.assign(name, { first: 'Elizabeth', goesBy: 'Liz' })
  if (index === headCount + 3) Object.assign(name, { first: 'José', last: 'García' })
  const emailFirst = name.goesBy !== undefined && rng.chance(0.4) ? name.goesBy : name.first
  const local = claimLocalPart(directory.usedLocals, emailLocalPart(emailFirst, name.last, 'first.last'))
  const workEmail = `${local}@${ourCompany.domain}`
  const homeEmail = rng.chance(0.35) ? personalEmail(rng, name.first, name.last, index + 1) : undefined

  const hireMs = index === 0
    ? EARLIEST_HIRE
    : index <= headCount
      ? EARLIEST_HIRE + rng.int(30, 1200) * DAY_MS
      : EARLIEST_HIRE + rng.int(60, Math.floor((REFERENCE_MS - EARLIEST_HIRE) / DAY_MS) - 20) * DAY_MS
  let terminationMs: number | undefined
  const tenureDays = Math.floor((REFERENCE_MS - hireMs) / DAY_MS)
  if (index > headCount && tenureDays > 120 && (forcedTerminated || rng.chance(0.07))) {
    terminationMs = hireMs + rng.int(90, tenureDays - 7) * DAY_MS
  } else if (forcedTerminated) {
    terminationMs = REFERENCE_MS - 30 * DAY_MS
  }

  const employee: Employee = {
    index,
    entityId: personEntityId(index + 1),
    employeeId: workdayEmployeeId(index),
    name,
    workEmail,
    homeEmail,
    department,
    departmentIndex,
    title,
    location: rng.weighted(officeLocations),
    managerIndex,
    hireMs,
    terminationMs,
    workPhone: rng.faker.phone.number({ style: 'national' }),
    mobilePhone: rng.chance(0.5) ? rng.faker.phone.number({ style: 'national' }) : undefined,
    employeeType: rng.weighted([['Full-time', 90], ['Part-time', 4], ['Contractor', 6]] as const),
    slackUserId: employeeSlackId(index),
    slackHandle: local,
  }
  register(directory, employee)
  return employee
}

function register(directory: EmployeeDirectory, employee: Employee): void {
  const i = employee.index
  directory.firstNames[i] = everydayFirst(employee.name)
  directory.lastNames[i] = employee.name.last
  directory.emails[i] = employee.workEmail
  directory.handles[i] = employee.slackHandle
  directory.departments[i] = employee.departmentIndex
  directory.managers[i] = employee.managerIndex
  directory.terminatedAt[i] = employee.terminationMs ?? 0
  directory.salesforceUserIds[i] = ''
  directory.byDepartment[employee.departmentIndex]?.push(i)
  directory.size = i + 1
}

/** Full everyday name of a directory entry ("Bob Smith"). */
export function directoryName(directory: EmployeeDirectory, index: number): string {
  return `${directory.firstNames[index] ?? ''} ${directory.lastNames[index] ?? ''}`
}

export function isActiveAt(directory: EmployeeDirectory, index: number, ms: number): boolean {
  const terminated = directory.terminatedAt[index] ?? 0
  return terminated === 0 || terminated > ms
}

/** A random employee still employed at the reference date (falls back to the CEO). */
export function pickActiveEmployee(rng: Rng, directory: EmployeeDirectory, pool?: readonly number[]): number {
  for (let attempt = 0; attempt < 12; attempt++) {
    const index = pool === undefined ? Math.floor(rng.float() * directory.size) : rng.pick(pool)
    if ((directory.terminatedAt[index] ?? 0) === 0) return index
  }
  return 0
}
