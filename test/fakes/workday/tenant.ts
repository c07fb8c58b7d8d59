import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'

/**
 * The in-memory worker data the Workday fake serves, loaded from a customer-graph generated Workday
 * export (`<dir>/workday/workers.json`, a RaaS `{"Report_Entry":[…]}`), so the live APIs hand out
 * the same workers with the same Employee_IDs the export importer lands as
 * `workday:worker:<Employee_ID>`.
 */

/** One RaaS `Report_Entry` element, keys exactly as the report has them (XML aliases). */
export type ReportEntry = Record<string, unknown>

export interface FakeWorker {
  /** The report entry as the RaaS JSON renders it; mutation helpers edit it in place. */
  entry: ReportEntry
  /** The worker's WID (REST `id`): 32 hex digits, derived from the Employee_ID so runs are repeatable. */
  readonly wid: string
  /**
   * When the worker last changed (epoch ms); what the report's "Updated since" prompt compares.
   * Loaded workers start at their latest hire or termination date (UTC midnight).
   */
  updatedMs: number
}

export interface WorkdayTenantData {
  /** Workers in report order (the order RaaS and REST answer in). */
  readonly workers: FakeWorker[]
}

/**
 * Report columns in the order the generated report has them, with the label Workday UI/CSV output
 * uses for each (the generated workers.csv header). `Worker_s_Manager_group` is a multi-instance
 * group; its CSV column is the group's `Manager_ID`.
 */
export const reportColumns: ReadonlyArray<{ alias: string; label: string }> = [
  { alias: 'Employee_ID', label: 'Employee ID' },
  { alias: 'Worker', label: 'Worker' },
  { alias: 'Legal_Name_-_First_Name', label: 'Legal Name - First Name' },
  { alias: 'Legal_Name_-_Last_Name', label: 'Legal Name - Last Name' },
  { alias: 'Preferred_Name_-_First_Name', label: 'Preferred Name - First Name' },
  { alias: 'Email_-_Work', label: 'Email - Work' },
  { alias: 'Email_-_Home', label: 'Email - Home' },
  { alias: 'businessTitle', label: 'Business Title' },
  { alias: 'Supervisory_Organization', label: 'Supervisory Organization' },
  { alias: 'Location', label: 'Location' },
  { alias: 'Hire_Date', label: 'Hire Date' },
  { alias: 'Termination_Date', label: 'Termination Date' },
  { alias: 'Active_Status', label: 'Active Status' },
  { alias: 'Worker_s_Manager_group', label: 'Manager ID' },
  { alias: 'primaryWorkPhone', label: 'Primary Work Phone' },
]

const reportSchema = z.object({
  Report_Entry: z.array(z.looseObject({ Employee_ID: z.string().min(1) })),
})

/** Reads `<folder>/workers.json` (the generator's `workday/` folder). */
export async function loadWorkdayTenantData(folder: string): Promise<WorkdayTenantData> {
  const file = path.join(folder, 'workers.json')
  const parsed = reportSchema.safeParse(JSON.parse(await readFile(file, 'utf8')))
  if (!parsed.success) throw new Error(`${file}: not a RaaS report with an Employee_ID on every entry: ${parsed.error.message}`)
  const data: WorkdayTenantData = { workers: [] }
  for (const entry of parsed.data.Report_Entry) {
    if (workerOf(data, entry.Employee_ID)) throw new Error(`${file}: Employee_ID ${entry.Employee_ID} appears twice`)
    data.workers.push({ entry, wid: widOf(entry.Employee_ID), updatedMs: initialUpdatedMs(entry) })
  }
  return data
}

/** A deterministic WID-like id (Workday WIDs are 32 lower-case hex digits) for an object of a kind. */
export function fakeWid(kind: string, key: string): string {
  return createHash('sha256').update(`${kind}\u0000${key}`).digest('hex').slice(0, 32)
}

/** The WID the fake gives the worker with this Employee_ID. */
export function widOf(employeeId: string): string {
  return fakeWid('worker', employeeId)
}

export function employeeIdOf(worker: FakeWorker): string {
  return String(worker.entry.Employee_ID)
}

export function workerOf(data: WorkdayTenantData, employeeId: string): FakeWorker | undefined {
  return data.workers.find((worker) => worker.entry.Employee_ID === employeeId)
}

/** The worker's manager's Employee_ID (`Worker_s_Manager_group[0].Manager_ID`), if any. */
export function managerIdOf(entry: ReportEntry): string | undefined {
  const group = entry.Worker_s_Manager_group
  if (!Array.isArray(group)) return undefined
  const first: unknown = group[0]
  if (typeof first !== 'object' || first === null) return undefined
  const id = (first as Record<string, unknown>).Manager_ID
  return typeof id === 'string' ? id : undefined
}

export function isActive(entry: ReportEntry): boolean {
  return entry.Active_Status !== '0'
}

function requireWorker(data: WorkdayTenantData, employeeId: string): FakeWorker {
  const worker = workerOf(data, employeeId)
  if (!worker) throw new Error(`no worker with Employee_ID ${employeeId}`)
  return worker
}

function initialUpdatedMs(entry: ReportEntry): number {
  const dates = [entry.Hire_Date, entry.Termination_Date].filter((value): value is string => typeof value === 'string')
  const times = dates.map((date) => Date.parse(`${date.slice(0, 10)}T00:00:00Z`)).filter((time) => Number.isFinite(time))
  return times.length > 0 ? Math.max(...times) : 0
}

/** A report has fixed columns: the JSON and CSV renderings must stay two views of the same entries. */
function requireReportColumns(entry: ReportEntry, helper: string): void {
  const unknown = Object.keys(entry).filter((key) => !reportColumns.some((column) => column.alias === key))
  if (unknown.length > 0) throw new Error(`${helper}: ${unknown.join(', ')} is no column of the report (${reportColumns.map((column) => column.alias).join(', ')})`)
}

/** Keys in report column order (RaaS renders columns in the report's order); unknown keys last. */
function ordered(entry: ReportEntry): ReportEntry {
  const known = reportColumns.map((column) => column.alias).filter((alias) => entry[alias] !== undefined)
  const rest = Object.keys(entry).filter((key) => !reportColumns.some((column) => column.alias === key) && entry[key] !== undefined)
  return Object.fromEntries([...known, ...rest].map((key) => [key, entry[key]]))
}

/**
 * Hire: a new report entry (RaaS keys; `Employee_ID` required and unused, `Active_Status` "1" unless
 * given). Empty values are left out, as RaaS does.
 */
export function hireWorker(data: WorkdayTenantData, entry: ReportEntry, nowMs: number): FakeWorker {
  const employeeId = entry.Employee_ID
  if (typeof employeeId !== 'string' || employeeId === '') throw new Error('hireWorker: Employee_ID is required')
  if (workerOf(data, employeeId)) throw new Error(`hireWorker: Employee_ID ${employeeId} is taken`)
  requireReportColumns(entry, 'hireWorker')
  const worker: FakeWorker = { entry: ordered({ Active_Status: '1', ...entry }), wid: widOf(employeeId), updatedMs: nowMs }
  data.workers.push(worker)
  return worker
}

/** Edits report fields; a field given as `undefined` is removed (RaaS omits empty values). */
export function updateWorker(data: WorkdayTenantData, employeeId: string, changes: ReportEntry, nowMs: number): FakeWorker {
  const worker = requireWorker(data, employeeId)
  if ('Employee_ID' in changes && changes.Employee_ID !== employeeId) throw new Error('updateWorker: the Employee_ID cannot change')
  requireReportColumns(changes, 'updateWorker')
  worker.entry = ordered({ ...worker.entry, ...changes })
  worker.updatedMs = nowMs
  return worker
}

/** Termination: `Termination_Date` (YYYY-MM-DD) set and `Active_Status` "0". */
export function terminateWorker(data: WorkdayTenantData, employeeId: string, terminationDate: string, nowMs: number): FakeWorker {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(terminationDate)) throw new Error(`terminateWorker: ${terminationDate} is not YYYY-MM-DD`)
  return updateWorker(data, employeeId, { Termination_Date: terminationDate, Active_Status: '0' }, nowMs)
}

/**
 * New manager (`Worker_s_Manager_group: [{Manager_ID}]`), or none with `undefined`; optionally the
 * new supervisory organization's name.
 */
export function changeManager(
  data: WorkdayTenantData,
  employeeId: string,
  managerId: string | undefined,
  nowMs: number,
  supervisoryOrganization?: string,
): FakeWorker {
  if (managerId !== undefined) requireWorker(data, managerId)
  if (managerId === employeeId) throw new Error('changeManager: a worker cannot manage themself')
  const changes: ReportEntry = { Worker_s_Manager_group: managerId === undefined ? undefined : [{ Manager_ID: managerId }] }
  if (supervisoryOrganization !== undefined) changes.Supervisory_Organization = supervisoryOrganization
  return updateWorker(data, employeeId, changes, nowMs)
}
