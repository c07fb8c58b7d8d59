import { join } from 'node:path'
import type { GenerationContext } from './context.ts'
import type { Employee } from './model-employees.ts'
import { countRecord } from './context.ts'
import { csvLine } from './csv-format.ts'
import { directoryName, workdayEmployeeId } from './model-employees.ts'
import { whitespaceNoise } from './names.ts'
import { isoDate } from './time-format.ts'
import { jsonArraySink, openTextSink, type JsonArraySink, type TextSink } from './text-sink.ts'

/** workday/workers.json (RaaS JSON, XML-alias keys) and workday-csv/workers.csv (same report, UI labels). */
export interface WorkdayFiles {
  readonly report: JsonArraySink & { end(): void }
  readonly csv: TextSink
  readonly sinks: readonly TextSink[]
}

const CSV_HEADERS = [
  'Employee ID', 'Worker', 'Legal Name - First Name', 'Legal Name - Last Name', 'Preferred Name - First Name',
  'Email - Work', 'Email - Home', 'Business Title', 'Supervisory Organization', 'Location', 'Hire Date',
  'Termination Date', 'Active Status', 'Manager ID', 'Primary Work Phone',
]

export function openWorkdayFiles(jsonDir: string, csvDir: string): WorkdayFiles {
  const json = openTextSink(join(jsonDir, 'workers.json'))
  const csv = openTextSink(join(csvDir, 'workers.csv'))
  csv.write(csvLine(CSV_HEADERS))
  return { report: jsonArraySink(json, '{"Report_Entry":[', ']}'), csv, sinks: [json, csv] }
}

export function writeWorkdayWorker(context: GenerationContext, files: WorkdayFiles, employee: Employee): void {
  const { rng, directory } = context
  const name = employee.name
  // Workday keeps legal names exactly (diacritics included); HR data entry leaves the odd stray space.
  const legalFirst = rng.chance(0.01) ? whitespaceNoise(rng, name.first) : name.first
  const legalLast = rng.chance(0.01) ? whitespaceNoise(rng, name.last) : name.last
  const homeEmail = employee.homeEmail !== undefined && rng.chance(0.05) ? `${employee.homeEmail} ` : employee.homeEmail
  const active = employee.terminationMs === undefined
  const supervisoryOrganization = employee.managerIndex < 0
    ? 'Executive'
    : `${employee.department.name} (${directoryName(directory, employee.managerIndex)})`
  const managerId = employee.managerIndex < 0 ? undefined : workdayEmployeeId(employee.managerIndex)
  const entry: Record<string, unknown> = {
    Employee_ID: employee.employeeId,
    Worker: `${name.goesBy ?? name.first} ${name.last}`,
    'Legal_Name_-_First_Name': legalFirst,
    'Legal_Name_-_Last_Name': legalLast,
  }
  // RaaS omits empty fields rather than writing nulls.
  if (name.goesBy !== undefined) entry['Preferred_Name_-_First_Name'] = name.goesBy
  entry['Email_-_Work'] = employee.workEmail
  if (homeEmail !== undefined) entry['Email_-_Home'] = homeEmail
  entry.businessTitle = employee.title
  entry.Supervisory_Organization = supervisoryOrganization
  entry.Location = employee.location
  entry.Hire_Date = isoDate(employee.hireMs)
  if (employee.terminationMs !== undefined) entry.Termination_Date = isoDate(employee.terminationMs)
  entry.Active_Status = active ? '1' : '0'
  if (managerId !== undefined) entry.Worker_s_Manager_group = [{ Manager_ID: managerId }]
  entry.primaryWorkPhone = employee.workPhone
  files.report.push(entry)

  files.csv.write(csvLine([
    employee.employeeId, entry.Worker as string, legalFirst, legalLast, name.goesBy, employee.workEmail, homeEmail,
    employee.title, supervisoryOrganization, employee.location, isoDate(employee.hireMs),
    employee.terminationMs === undefined ? undefined : isoDate(employee.terminationMs), active ? '1' : '0', managerId,
    employee.workPhone,
  ]))
  // JSON and CSV are two renderings of one report: the same worker records, so one ground-truth row.
  context.truth.person(employee.entityId, 'workday', 'worker', employee.employeeId)
  countRecord(context, 'workday/worker')
}
