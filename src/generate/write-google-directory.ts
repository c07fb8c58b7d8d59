import { join } from 'node:path'
import type { GenerationContext } from './context.ts'
import type { Employee } from './model-employees.ts'
import { countRecord } from './context.ts'
import { csvLine } from './csv-format.ts'
import { ourCompany, REFERENCE_MS, DAY_MS } from './reference-data.ts'
import { googleSignInTime } from './time-format.ts'
import { openTextSink, type TextSink } from './text-sink.ts'
import { foldDiacritics, hasDiacritics } from './names.ts'

/** google/users.csv as the Admin console "Download users" produces it (bracket-tagged headers). */
const HEADERS = [
  'First Name [Required]', 'Last Name [Required]', 'Email Address [Required]', 'Status [READ ONLY]',
  'Last Sign In [READ ONLY]', 'Email Usage [READ ONLY]', '2sv Enrolled [READ ONLY]', 'Org Unit Path [Required]',
  'Recovery Email', 'Home Secondary Email', 'Work Secondary Email', 'Recovery Phone [MUST BE IN THE E.164 FORMAT]',
  'Work Phone', 'Home Phone', 'Mobile Phone', 'Work Address', 'Home Address', 'Employee ID', 'Employee Type',
  'Employee Title', 'Manager Email', 'Department', 'Cost Center',
]

export function openGoogleDirectory(dir: string): TextSink {
  const sink = openTextSink(join(dir, 'users.csv'))
  sink.write(csvLine(HEADERS))
  return sink
}

export function writeGoogleUser(context: GenerationContext, sink: TextSink, employee: Employee): void {
  const { rng, directory } = context
  const first = employee.name.goesBy ?? employee.name.first
  const suspended = employee.terminationMs !== undefined
  const lastSignIn = suspended
    ? googleSignInTime(employee.terminationMs - rng.int(0, 3 * 86_400) * 1000)
    : rng.chance(0.02) ? 'Never logged in' : googleSignInTime(REFERENCE_MS - rng.int(60, 10 * 86_400) * 1000)
  sink.write(csvLine([
    hasDiacritics(first) && rng.chance(0.15) ? foldDiacritics(first) : first,
    employee.name.last,
    employee.workEmail,
    suspended ? 'Suspended' : 'Active',
    lastSignIn,
    `${(rng.float() * 14).toFixed(2)}GB`,
    rng.chance(0.85) ? 'True' : 'False',
    `/${employee.department.name}`,
    employee.homeEmail,
    undefined,
    undefined,
    undefined,
    employee.workPhone,
    undefined,
    employee.mobilePhone,
    employee.location,
    undefined,
    employee.employeeId,
    employee.employeeType,
    employee.title,
    employee.managerIndex < 0 ? undefined : directory.emails[employee.managerIndex],
    employee.department.name,
    `CC-${String(100 + (directory.departments[employee.index] ?? 0) * 10)}`,
  ]))
  // The Admin console CSV has no user id: the source id is the primary address, lower-cased.
  context.truth.person(employee.entityId, 'google', 'user', employee.workEmail.toLowerCase())
  countRecord(context, 'google/user')
}

/**
 * Group mailboxes that exist as Google accounts (support@, billing@ of our own company): source
 * records that look like people but are entities of their own.
 */
export function writeGoogleMailboxUser(
  context: GenerationContext,
  sink: TextSink,
  mailbox: { entityId: string; local: string; first: string; last: string; department: string },
): void {
  const email = `${mailbox.local}@${ourCompany.domain}`
  sink.write(csvLine([
    mailbox.first, mailbox.last, email, 'Active', googleSignInTime(REFERENCE_MS - 2 * DAY_MS), '0.41GB', 'False',
    `/${mailbox.department}`, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
    undefined, undefined, undefined, undefined, undefined, mailbox.department, undefined,
  ]))
  context.truth.person(mailbox.entityId, 'google', 'user', email)
  countRecord(context, 'google/user')
}
