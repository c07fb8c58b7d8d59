/**
 * Synthetic test data for customer-graph: one company's exports of all four systems, plus the truth.
 *
 *   salesforce/   Data Export CSVs: User, Account, Contact, Lead, Opportunity, OpportunityContactRole,
 *                 Case, Task, Event (all fields quoted, LF, API-name headers, 18-character ids)
 *   slack/        unpacked corporate export: users/channels/groups/dms/mpims.json and
 *                 <conversation>/<YYYY-MM-DD>.json day files (Los Angeles dates)
 *   slack-export.zip  the same folder as a ZIP
 *   workday/      workers.json (RaaS Report_Entry, XML-alias keys)
 *   workday-csv/  workers.csv: the same report as the UI exports it (labels as headers); an
 *                 alternative to workday/, in a folder of its own so each folder is one export
 *   google/       users.csv (Admin console download), contacts.csv (Google Contacts CSV), calendar.ics
 *   ground-truth/ people.csv and organizations.csv: entity_id,system,object_type,source_id for every
 *                 source record that is a person (or group mailbox) or an organisation, keyed by the
 *                 triples of docs/source-records.md; organization-keys.csv: entity_id,kind,value,
 *                 whose each email domain and Slack Connect team is
 */
import { mkdir, readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { GenerationContext } from './context.ts'
import type { TextSink } from './text-sink.ts'
import type { Rng } from './random.ts'
import type { GroundTruthWriter } from './ground-truth.ts'
import type { SalesforceFiles } from './write-salesforce.ts'
import type { WorkdayFiles } from './write-workday.ts'
import type { GoogleContactsFile } from './write-google-contacts.ts'
import type { CalendarFile } from './write-calendar.ts'
import type { SlackWorkspace } from './slack-workspace.ts'
import type { SlackVolume } from './write-slack.ts'
import { createRng } from './random.ts'
import { createSalesforceIdAllocator, mailboxEntityId, organizationEntityId, personEntityId } from './ids.ts'
import { createEmployeeDirectory, nextEmployee } from './model-employees.ts'
import { createOrgState, nextOrg } from './model-orgs.ts'
import { openGroundTruth } from './ground-truth.ts'
import { hasSalesforceLicence, openSalesforceFiles, writeSalesforceOrg, writeSalesforceUser } from './write-salesforce.ts'
import { openWorkdayFiles, writeWorkdayWorker } from './write-workday.ts'
import { openGoogleDirectory, writeGoogleMailboxUser, writeGoogleUser } from './write-google-directory.ts'
import { openGoogleContacts, writeColleagueContact, writeCustomerContact, writeMailboxContact } from './write-google-contacts.ts'
import { openCalendar, writeCustomerMeetings, writeInternalMeetings } from './write-calendar.ts'
import { openSlackWorkspace } from './slack-workspace.ts'
import { slackVolume, writeInternalSlack, writeOrgSlack, writeSlackBots, writeSlackEmployee } from './write-slack.ts'
import { zipFolder } from './zip-folder.ts'
import { ourCompany, REFERENCE_MS } from './reference-data.ts'
import { MIN_PEOPLE } from './limits.ts'

export { MIN_PEOPLE }

export interface GenerateOptions {
  /** Output folder; created if missing, must be empty. */
  dir: string
  /** Distinct real people: employees (~15%) plus customer contacts. At least 40. */
  people: number
  seed: number
  onProgress?: (done: number, total: number) => void
}

export interface GenerateReport {
  dir: string
  seed: number
  people: number
  employees: number
  customers: number
  organizations: number
  /** Group mailboxes (support@…): entities of their own on top of `people`. */
  sharedMailboxes: number
  /** Records written, by "system/object". */
  records: Record<string, number>
  groundTruth: { people: number; organizations: number }
  /** Files written (Slack day files summarised as one entry). */
  files: { path: string; bytes: number }[]
}


/** Our own group mailboxes in the Google directory: look like users, are not people. */
const internalMailboxes = [
  { local: 'support', first: 'Support', last: 'Team', department: 'Support' },
  { local: 'billing', first: 'Billing', last: 'Team', department: 'Finance' },
] as const

async function assertEmptyDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  const entries = await readdir(dir)
  if (entries.length > 0) throw new Error(`output folder ${dir} is not empty; generateCompany writes into an empty folder only`)
}

async function settleAll(sinks: readonly TextSink[]): Promise<void> {
  for (const sink of sinks) await sink.settle()
}

/**
 * Generates a synthetic company's exports from Salesforce, Slack, Workday and Google Workspace, plus
 * the ground truth of who is who. Deterministic: the same seed and size give byte-identical files.
 * Everything is streamed (people first, then customer organisations one at a time), so memory stays
 * bounded by the employee directory whatever the size.
 */
export async function generateCompany(options: GenerateOptions): Promise<GenerateReport> {
  const { dir, people, seed } = options
  if (!Number.isInteger(people) || people < MIN_PEOPLE) throw new Error(`people must be an integer of at least ${MIN_PEOPLE}, got ${people}`)
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`)
  await assertEmptyDirectory(dir)
  const folders = { salesforce: join(dir, 'salesforce'), slack: join(dir, 'slack'), workday: join(dir, 'workday'), workdayCsv: join(dir, 'workday-csv'), google: join(dir, 'google'), truth: join(dir, 'ground-truth') }
  for (const folder of Object.values(folders)) await mkdir(folder, { recursive: true })

  const employees = Math.max(16, Math.round(people * 0.15))
  const customers = people - employees
  const rng = createRng(seed)
  const truth = openGroundTruth(folders.truth)
  const salesforce = openSalesforceFiles(folders.salesforce)
  const workday = openWorkdayFiles(folders.workday, folders.workdayCsv)
  const googleUsers = openGoogleDirectory(folders.google)
  const contacts = openGoogleContacts(folders.google)
  const calendar = openCalendar(folders.google, employees)
  const slack = await openSlackWorkspace(folders.slack)
  const volume = slackVolume(people, employees)
  const sinks: readonly TextSink[] = [...truth.sinks, ...salesforce.sinks, ...workday.sinks, googleUsers, contacts.sink, calendar.sink, ...slack.sinks]
  const context: GenerationContext = { rng, ids: createSalesforceIdAllocator(), directory: createEmployeeDirectory(employees), truth, counts: new Map(), people }
  try {
    return await generateInto(options, { folders, employees, customers, rng, truth, salesforce, workday, googleUsers, contacts, calendar, slack, volume, sinks, context })
  } catch (error) {
    for (const sink of sinks) sink.abort()
    throw error
  }
}

/** The open output files and the run's shared state, handed from setup to generation. */
interface Outputs {
  readonly folders: Readonly<Record<'salesforce' | 'slack' | 'workday' | 'workdayCsv' | 'google' | 'truth', string>>
  readonly employees: number
  readonly customers: number
  readonly rng: Rng
  readonly truth: GroundTruthWriter
  readonly salesforce: SalesforceFiles
  readonly workday: WorkdayFiles
  readonly googleUsers: TextSink
  readonly contacts: GoogleContactsFile
  readonly calendar: CalendarFile
  readonly slack: SlackWorkspace
  readonly volume: SlackVolume
  readonly sinks: readonly TextSink[]
  readonly context: GenerationContext
}

async function generateInto(options: GenerateOptions, outputs: Outputs): Promise<GenerateReport> {
  const { dir, people, seed, onProgress } = options
  const { folders, employees, customers, rng, truth, salesforce, workday, googleUsers, contacts, calendar, slack, volume, sinks, context } = outputs
  const entityOf = (index: number): string => personEntityId(index + 1)
  let done = 0

  // Employees: every system that knows our own staff, one employee at a time.
  for (let index = 0; index < employees; index++) {
    const employee = nextEmployee(rng, context.directory, index)
    writeWorkdayWorker(context, workday, employee)
    writeGoogleUser(context, googleUsers, employee)
    writeSlackEmployee(context, slack, employee)
    if (hasSalesforceLicence(employee)) writeSalesforceUser(context, salesforce, employee)
    if (index > 0 && rng.chance(0.02)) writeColleagueContact(context, contacts, employee)
    done++
    if (index % 256 === 255) {
      await settleAll(sinks)
      onProgress?.(done, people)
    }
  }
  for (const [i, mailbox] of internalMailboxes.entries()) writeGoogleMailboxUser(context, googleUsers, { ...mailbox, entityId: mailboxEntityId(i + 1) })
  const { botId } = writeSlackBots(slack)
  const checkpoint = (): Promise<void> => settleAll(sinks)
  await writeInternalSlack(context, slack, volume, botId, checkpoint)
  await writeInternalMeetings(context, calendar, entityOf, checkpoint)
  await settleAll(sinks)
  onProgress?.(done, people)

  truth.organizationKey(organizationEntityId(0), 'domain', ourCompany.domain)

  // Customers: one organisation at a time; nothing of it is kept once written, except what the next
  // organisation may refer to (the previous one, for people who changed jobs).
  const state = createOrgState(employees + 1, customers, internalMailboxes.length, { connect: volume.connectRate, internal: volume.internalRate, guest: volume.guestRate })
  while (state.remaining > 0) {
    const org = nextOrg(rng, state, context.directory, context.ids)
    for (const domain of new Set([org.websiteDomain, ...(org.emailDomain === undefined ? [] : [org.emailDomain])])) truth.organizationKey(org.entityId, 'domain', domain)
    if (org.slack === 'connect') truth.organizationKey(org.entityId, 'slack_team', org.slackTeamId)
    writeSalesforceOrg(context, salesforce, org)
    writeOrgSlack(context, slack, volume, org)
    writeCustomerMeetings(context, calendar, org, entityOf)
    for (const [i, person] of org.people.entries()) {
      if ((org.index === 0 && i < 3) || rng.chance(0.06)) writeCustomerContact(context, contacts, org, person)
    }
    if (org.index === 0 || (org.sharedMailbox !== undefined && rng.chance(0.2))) writeMailboxContact(context, contacts, org)
    done += org.people.length
    await settleAll(sinks)
    onProgress?.(done, people)
  }

  workday.report.end()
  for (const array of [slack.users, slack.channels, slack.groups, slack.dms, slack.mpims]) array.end()
  calendar.end()
  const files: { path: string; bytes: number }[] = []
  for (const sink of sinks) files.push({ path: relative(dir, sink.path), bytes: await sink.close() })
  files.push({ path: `slack/<conversation>/<day>.json (${slack.dayFiles.count} files)`, bytes: slack.dayFiles.bytes })
  files.push({ path: 'slack-export.zip', bytes: await zipFolder(folders.slack, join(dir, 'slack-export.zip'), new Date(REFERENCE_MS)) })

  return {
    dir,
    seed,
    people,
    employees,
    customers,
    organizations: state.nextIndex,
    sharedMailboxes: state.mailboxCount,
    records: Object.fromEntries([...context.counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
    groundTruth: { ...truth.rows },
    files,
  }
}
