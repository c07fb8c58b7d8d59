import { join } from 'node:path'
import type { GenerationContext } from './context.ts'
import type { Employee } from './model-employees.ts'
import type { CustomerPerson, Org } from './model-orgs.ts'
import type { Rng } from './random.ts'
import { countRecord } from './context.ts'
import { quotedCsvLine, type CsvValue } from './csv-format.ts'
import { emailCaseNoise, emailToken, foldDiacritics, hasDiacritics } from './names.ts'
import { everydayFirst } from './person-names.ts'
import { contactRoles, DAY_MS, opportunityStages, ourCompany, REFERENCE_MS, workNouns } from './reference-data.ts'
import { isoDate, salesforceDateTime } from './time-format.ts'
import { openTextSink, type TextSink } from './text-sink.ts'

/** Data Export CSVs, one per object, header in API names. */
const FIELDS = {
  User: ['Id', 'Username', 'LastName', 'FirstName', 'Name', 'CompanyName', 'Division', 'Department', 'Title', 'Email', 'Phone', 'MobilePhone', 'Alias', 'CommunityNickname', 'IsActive', 'TimeZoneSidKey', 'LocaleSidKey', 'UserType', 'EmployeeNumber', 'ManagerId', 'LastLoginDate', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'],
  Account: ['Id', 'IsDeleted', 'MasterRecordId', 'Name', 'Type', 'ParentId', 'BillingStreet', 'BillingCity', 'BillingState', 'BillingPostalCode', 'BillingCountry', 'Phone', 'Website', 'Industry', 'AnnualRevenue', 'NumberOfEmployees', 'Description', 'OwnerId', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp', 'LastActivityDate'],
  Contact: ['Id', 'IsDeleted', 'MasterRecordId', 'AccountId', 'LastName', 'FirstName', 'Salutation', 'Name', 'MailingCity', 'MailingCountry', 'Phone', 'MobilePhone', 'Email', 'Title', 'Department', 'LeadSource', 'ReportsToId', 'OwnerId', 'HasOptedOutOfEmail', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp', 'LastActivityDate'],
  Lead: ['Id', 'IsDeleted', 'MasterRecordId', 'LastName', 'FirstName', 'Salutation', 'Name', 'Title', 'Company', 'City', 'Country', 'Phone', 'MobilePhone', 'Email', 'Website', 'LeadSource', 'Status', 'Industry', 'Rating', 'OwnerId', 'IsConverted', 'ConvertedDate', 'ConvertedAccountId', 'ConvertedContactId', 'ConvertedOpportunityId', 'IsUnreadByOwner', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'],
  Opportunity: ['Id', 'IsDeleted', 'AccountId', 'Name', 'Description', 'StageName', 'Amount', 'Probability', 'CloseDate', 'Type', 'LeadSource', 'IsClosed', 'IsWon', 'ForecastCategoryName', 'OwnerId', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'],
  OpportunityContactRole: ['Id', 'OpportunityId', 'ContactId', 'Role', 'IsPrimary', 'IsDeleted', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'],
  Case: ['Id', 'IsDeleted', 'CaseNumber', 'ContactId', 'AccountId', 'SuppliedName', 'SuppliedEmail', 'SuppliedPhone', 'Type', 'Status', 'Reason', 'Origin', 'Subject', 'Priority', 'Description', 'IsClosed', 'ClosedDate', 'IsEscalated', 'OwnerId', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'],
  Task: ['Id', 'IsDeleted', 'WhoId', 'WhatId', 'AccountId', 'Subject', 'ActivityDate', 'Status', 'Priority', 'IsClosed', 'TaskSubtype', 'Description', 'OwnerId', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'],
  Event: ['Id', 'IsDeleted', 'WhoId', 'WhatId', 'AccountId', 'Subject', 'Location', 'IsAllDayEvent', 'ActivityDateTime', 'ActivityDate', 'DurationInMinutes', 'StartDateTime', 'EndDateTime', 'Description', 'OwnerId', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'],
} as const

export type SalesforceObject = keyof typeof FIELDS
type Row<T extends SalesforceObject> = Partial<Record<(typeof FIELDS)[T][number], CsvValue>>

export interface SalesforceFiles {
  readonly sinks: readonly TextSink[]
  write<T extends SalesforceObject>(object: T, row: Row<T>): void
  caseNumber: number
  /** The Salesforce admin user: creator of the records an export shows as CreatedById. */
  adminUserId: string
}

export function openSalesforceFiles(dir: string): SalesforceFiles {
  const sinks = new Map<SalesforceObject, TextSink>()
  for (const object of Object.keys(FIELDS) as SalesforceObject[]) {
    const sink = openTextSink(join(dir, `${object}.csv`))
    sink.write(quotedCsvLine(FIELDS[object]))
    sinks.set(object, sink)
  }
  return {
    sinks: [...sinks.values()],
    write(object, row) {
      const fields: readonly string[] = FIELDS[object]
      const record = row as Record<string, CsvValue>
      sinks.get(object)?.write(quotedCsvLine(fields.map((field) => record[field])))
    },
    caseNumber: 1000,
    adminUserId: '',
  }
}

/** CreatedDate ≤ LastModifiedDate ≤ SystemModstamp, all before the reference date. */
function auditDates(rng: Rng, createdAt: number, ownerId: string, createdById: string): Record<string, string> {
  // Records about future meetings or deals were still created in the past.
  const createdMs = Math.min(createdAt, REFERENCE_MS - DAY_MS)
  const modified = Math.min(REFERENCE_MS - 60_000, createdMs + rng.int(0, Math.max(0, Math.floor((REFERENCE_MS - createdMs) / 1000) - 120)) * 1000)
  const modstamp = Math.min(REFERENCE_MS - 1000, modified + rng.int(0, 3600) * 1000)
  return {
    CreatedDate: salesforceDateTime(createdMs),
    CreatedById: createdById || ownerId,
    LastModifiedDate: salesforceDateTime(modified),
    LastModifiedById: ownerId,
    SystemModstamp: salesforceDateTime(modstamp),
  }
}

function timeZoneOf(location: string): [string, string] {
  switch (location) {
    case 'New York':
      return ['America/New_York', 'en_US']
    case 'Austin':
      return ['America/Chicago', 'en_US']
    case 'London':
      return ['Europe/London', 'en_GB']
    case 'Berlin':
      return ['Europe/Berlin', 'de_DE']
    default:
      return ['America/Los_Angeles', 'en_US']
  }
}

/** Whether an employee holds a Salesforce licence: sales, success and support staff, plus the admins. */
export function hasSalesforceLicence(employee: Employee): boolean {
  return employee.department.salesforce !== false || employee.title === 'Salesforce Administrator'
}

export function writeSalesforceUser(context: GenerationContext, files: SalesforceFiles, employee: Employee): void {
  const { rng, ids, directory } = context
  const id = ids.next('005')
  if (files.adminUserId === '') files.adminUserId = id
  directory.salesforceUserIds[employee.index] = id
  if (employee.department.salesforce === 'sales') directory.salesOwners.push(employee.index)
  if (employee.department.salesforce === 'support') directory.supportOwners.push(employee.index)

  const rawFirst = everydayFirst(employee.name)
  // Admins often typed names without diacritics when users were created by hand.
  const first = hasDiacritics(rawFirst) && rng.chance(0.4) ? foldDiacritics(rawFirst) : rawFirst
  const last = hasDiacritics(employee.name.last) && rng.chance(0.4) ? foldDiacritics(employee.name.last) : employee.name.last
  const active = employee.terminationMs === undefined
  const [timeZone, locale] = timeZoneOf(employee.location)
  const createdMs = employee.hireMs + rng.int(0, 5 * 86_400) * 1000
  const lastLogin = active ? REFERENCE_MS - rng.int(60, 10 * 86_400) * 1000 : (employee.terminationMs ?? REFERENCE_MS) - rng.int(3600, 4 * 86_400) * 1000
  const audit = auditDates(rng, createdMs, files.adminUserId, files.adminUserId)
  files.write('User', {
    Id: id,
    Username: employee.workEmail,
    LastName: last,
    FirstName: first,
    Name: `${first} ${last}`,
    CompanyName: ourCompany.name,
    Division: employee.location,
    Department: employee.department.name,
    Title: employee.title,
    Email: rng.chance(0.06) ? emailCaseNoise(rng, employee.workEmail) : employee.workEmail,
    Phone: employee.workPhone,
    MobilePhone: employee.mobilePhone,
    Alias: (emailToken(first).charAt(0) + emailToken(last)).slice(0, 8),
    CommunityNickname: employee.slackHandle,
    IsActive: active,
    TimeZoneSidKey: timeZone,
    LocaleSidKey: locale,
    UserType: 'Standard',
    EmployeeNumber: employee.employeeId,
    ManagerId: employee.managerIndex < 0 ? undefined : directory.salesforceUserIds[employee.managerIndex] || undefined,
    LastLoginDate: salesforceDateTime(lastLogin),
    ...audit,
  })
  context.truth.person(employee.entityId, 'salesforce', 'User', id)
  countRecord(context, 'salesforce/User')
}

interface SalesforcePersonRefs {
  readonly contactId: string | undefined
  readonly leadId: string | undefined
}

/** How a person's first name appears in one CRM record: formal or nickname, with or without diacritics. */
function crmFirstName(rng: Rng, person: CustomerPerson): string {
  const first = person.name.goesBy !== undefined && rng.chance(0.35) ? person.name.goesBy : person.name.first
  return hasDiacritics(first) && rng.chance(0.3) ? foldDiacritics(first) : first
}

function crmLastName(rng: Rng, person: CustomerPerson): string {
  const last = hasDiacritics(person.name.last) && rng.chance(0.3) ? foldDiacritics(person.name.last) : person.name.last
  return rng.chance(0.015) ? last.toUpperCase() : last
}

/** The name variant a careless second entry of the same person gets. */
function duplicateFirstName(rng: Rng, person: CustomerPerson, firstUsed: string): string {
  if (person.name.goesBy !== undefined) return firstUsed === person.name.goesBy ? person.name.first : person.name.goesBy
  if (hasDiacritics(person.name.first)) return firstUsed === person.name.first ? foldDiacritics(firstUsed) : person.name.first
  return rng.chance(0.5) ? firstUsed.toLowerCase() : `${firstUsed.charAt(0)}.`
}

function primaryEmail(person: CustomerPerson): string | undefined {
  return person.workEmail ?? person.personalEmail
}

function maybeNoisy(rng: Rng, email: string | undefined, probability: number): string | undefined {
  return email !== undefined && rng.chance(probability) ? emailCaseNoise(rng, email) : email
}

const websiteForms = (domain: string): readonly string[] => [`https://www.${domain}`, `www.${domain}`, `http://${domain}`, domain, `https://${domain}/`]

/**
 * All Salesforce records of one organisation: its Account (and a duplicate), Contacts, Leads,
 * Opportunities with contact roles, Cases, Tasks and Events, with ground truth for the people.
 */
export function writeSalesforceOrg(context: GenerationContext, files: SalesforceFiles, org: Org): void {
  const { rng, ids, directory, truth } = context
  const owner = directory.salesforceUserIds[org.ownerIndex] ?? ''
  const admin = files.adminUserId
  const accountId = org.accountId

  if (accountId !== undefined) {
    const website = org.freemail && rng.chance(0.5) ? undefined : rng.pick(websiteForms(org.websiteDomain))
    const usState = org.country === 'United States' ? rng.faker.location.state({ abbreviated: true }) : undefined
    const account = {
      Type: 'Customer - Direct',
      ParentId: org.parentAccountId,
      BillingStreet: rng.faker.location.streetAddress(),
      BillingCity: org.city,
      BillingState: usState,
      BillingPostalCode: rng.faker.location.zipCode(),
      BillingCountry: org.country,
      Phone: org.phone,
      Website: website,
      Industry: org.industry,
      AnnualRevenue: org.headcount * rng.int(50, 400) * 1000,
      NumberOfEmployees: org.headcount,
      // Multi-line text with quotes: the CSV must carry both inside one quoted field.
      Description: rng.chance(0.2) ? `Key account in ${org.industry}.\nUses the "${rng.pick(workNouns)}" heavily.` : undefined,
      OwnerId: owner,
    } as const
    files.write('Account', { Id: accountId, IsDeleted: false, Name: org.name, ...account, ...auditDates(rng, org.createdMs, owner, admin), LastActivityDate: isoDate(REFERENCE_MS - rng.int(1, 200) * DAY_MS) })
    truth.organization(org.entityId, 'salesforce', 'Account', accountId)
    countRecord(context, 'salesforce/Account')
    const duplicate = org.duplicateAccount
    if (duplicate !== undefined) {
      files.write('Account', {
        Id: duplicate.id,
        IsDeleted: duplicate.merged,
        MasterRecordId: duplicate.merged ? accountId : undefined,
        Name: duplicate.name,
        ...account,
        ParentId: undefined,
        Website: rng.chance(0.5) ? website : undefined,
        ...auditDates(rng, org.createdMs + rng.int(1, 300) * DAY_MS, owner, admin),
      })
      truth.organization(org.entityId, 'salesforce', 'Account', duplicate.id)
      countRecord(context, 'salesforce/Account')
    }
  }

  // Opportunity ids first, so a converted Lead can point at the deal its conversion created.
  const opportunityCount = accountId === undefined ? 0 : rng.int(0, 1 + Math.ceil(org.people.length / 12))
  const opportunityIds: string[] = []
  for (let i = 0; i < opportunityCount; i++) opportunityIds.push(ids.next('006'))

  const refs: SalesforcePersonRefs[] = []
  const contactIds: string[] = []
  const leadIds: string[] = []
  let headContactId: string | undefined
  for (const person of org.people) {
    const personRefs = writePerson(context, files, org, person, owner, opportunityIds[0], headContactId)
    refs.push(personRefs)
    if (personRefs.contactId !== undefined) {
      contactIds.push(personRefs.contactId)
      headContactId ??= personRefs.contactId
    }
    if (personRefs.leadId !== undefined) leadIds.push(personRefs.leadId)
  }

  let mailboxContactId: string | undefined
  const mailbox = org.sharedMailbox
  if (mailbox !== undefined && accountId !== undefined) {
    mailboxContactId = ids.next('003')
    files.write('Contact', {
      Id: mailboxContactId, IsDeleted: false, AccountId: accountId, LastName: mailbox.name, Name: mailbox.name,
      Email: mailbox.email, Phone: org.phone, OwnerId: owner, HasOptedOutOfEmail: false, LeadSource: 'Web',
      ...auditDates(rng, org.createdMs + rng.int(1, 60) * DAY_MS, owner, admin),
    })
    truth.person(mailbox.entityId, 'salesforce', 'Contact', mailboxContactId)
    countRecord(context, 'salesforce/Contact')
  }

  writeDeals(context, files, org, opportunityIds, contactIds, owner)
  writeCases(context, files, org, contactIds, mailboxContactId)
  writeActivities(context, files, org, contactIds, leadIds, opportunityIds, owner)
}

function writePerson(
  context: GenerationContext,
  files: SalesforceFiles,
  org: Org,
  person: CustomerPerson,
  owner: string,
  firstOpportunityId: string | undefined,
  headContactId: string | undefined,
): SalesforcePersonRefs {
  const { rng, ids, truth, directory } = context
  const admin = files.adminUserId
  const createdMs = org.createdMs + rng.int(0, Math.max(1, Math.floor((REFERENCE_MS - org.createdMs) / DAY_MS) - 2)) * DAY_MS + rng.int(0, 86_399) * 1000
  const first = crmFirstName(rng, person)
  const last = crmLastName(rng, person)
  let contactId: string | undefined
  let leadId: string | undefined

  if (person.mover !== undefined) {
    // The contact at their former employer: old address, old title, untouched since they left.
    const mover = person.mover
    const oldOwner = directory.salesforceUserIds[mover.from.ownerIndex] ?? owner
    const oldId = ids.next('003')
    const oldCreated = createdMs - rng.int(400, 1500) * DAY_MS
    const oldFirst = crmFirstName(rng, person)
    const oldLast = crmLastName(rng, person)
    files.write('Contact', {
      Id: oldId, IsDeleted: false, AccountId: mover.from.accountId, LastName: oldLast, FirstName: oldFirst,
      Name: `${oldFirst} ${oldLast}`, Email: mover.oldEmail, Phone: rng.faker.phone.number({ style: 'national' }), Title: mover.oldTitle,
      OwnerId: oldOwner, HasOptedOutOfEmail: false, LeadSource: 'Trade Show',
      CreatedDate: salesforceDateTime(oldCreated), CreatedById: admin, LastModifiedDate: salesforceDateTime(oldCreated + 200 * DAY_MS),
      LastModifiedById: oldOwner, SystemModstamp: salesforceDateTime(oldCreated + 200 * DAY_MS),
    })
    truth.person(person.entityId, 'salesforce', 'Contact', oldId)
    countRecord(context, 'salesforce/Contact')
  }

  if (person.salesforce === 'contact') {
    contactId = ids.next('003')
    const email = maybeNoisy(rng, primaryEmail(person), 0.04)
    files.write('Contact', {
      Id: contactId, IsDeleted: false, AccountId: org.accountId, LastName: last, FirstName: first,
      Salutation: rng.chance(0.2) ? rng.pick(['Mr.', 'Ms.', 'Mrs.', 'Dr.']) : undefined,
      Name: `${first} ${last}`, MailingCity: org.city, MailingCountry: org.country, Phone: person.phone, MobilePhone: person.mobile,
      Email: email, Title: person.title, LeadSource: rng.pick(['Web', 'Phone Inquiry', 'Partner Referral', 'Trade Show', 'Other']),
      ReportsToId: headContactId !== undefined && rng.chance(0.3) ? headContactId : undefined,
      OwnerId: owner, HasOptedOutOfEmail: rng.chance(0.05), ...auditDates(rng, createdMs, owner, admin),
      LastActivityDate: rng.chance(0.6) ? isoDate(REFERENCE_MS - rng.int(1, 300) * DAY_MS) : undefined,
    })
    truth.person(person.entityId, 'salesforce', 'Contact', contactId)
    countRecord(context, 'salesforce/Contact')

    if (person.duplicate !== undefined) {
      const duplicateId = ids.next('003')
      const duplicateFirst = duplicateFirstName(rng, person, first)
      const duplicateEmail = rng.weighted([
        [primaryEmail(person), 45],
        [person.personalEmail ?? primaryEmail(person), 30],
        [maybeNoisy(rng, primaryEmail(person), 1), 25],
      ] as const)
      const merged = person.duplicate === 'merged'
      files.write('Contact', {
        Id: duplicateId, IsDeleted: merged, MasterRecordId: merged ? contactId : undefined, AccountId: org.accountId,
        LastName: last, FirstName: duplicateFirst, Name: `${duplicateFirst} ${last}`, Phone: rng.chance(0.5) ? person.phone : undefined,
        Email: duplicateEmail, Title: rng.chance(0.5) ? person.title : undefined, OwnerId: owner, HasOptedOutOfEmail: false,
        LeadSource: 'Other', ...auditDates(rng, createdMs + rng.int(1, 30) * DAY_MS, owner, admin),
      })
      truth.person(person.entityId, 'salesforce', 'Contact', duplicateId)
      countRecord(context, 'salesforce/Contact')
    }
  }

  if (person.salesforce === 'lead' || person.convertedLead) {
    leadId = ids.next('00Q')
    const converted = person.convertedLead && contactId !== undefined
    // Web forms capture whatever address people type: often a personal one for a converted lead.
    const email = person.personalEmail !== undefined && (org.freemail || rng.chance(converted ? 0.35 : 0.15)) ? person.personalEmail : primaryEmail(person)
    const leadFirst = crmFirstName(rng, person)
    const leadLast = crmLastName(rng, person)
    const leadCreated = converted ? createdMs - rng.int(1, 120) * DAY_MS : createdMs
    files.write('Lead', {
      Id: leadId, IsDeleted: false, LastName: leadLast, FirstName: leadFirst, Name: `${leadFirst} ${leadLast}`, Title: person.title,
      // Company is free text: the organisation as the person typed it, not a link to an Account.
      Company: rng.chance(0.15) ? org.name.toLowerCase() : org.name,
      City: org.city, Country: org.country, Phone: person.phone, MobilePhone: person.mobile, Email: maybeNoisy(rng, email, 0.04),
      Website: rng.chance(0.3) ? org.websiteDomain : undefined,
      LeadSource: rng.pick(['Web', 'Webinar', 'Trade Show', 'Partner Referral', 'Purchased List']),
      Status: converted ? 'Closed - Converted' : rng.pick(['Open - Not Contacted', 'Working - Contacted', 'Working - Contacted', 'Closed - Not Converted']),
      Industry: org.industry, Rating: rng.chance(0.5) ? rng.pick(['Hot', 'Warm', 'Cold']) : undefined,
      OwnerId: owner, IsConverted: converted,
      ConvertedDate: converted ? isoDate(createdMs) : undefined,
      ConvertedAccountId: converted ? org.accountId : undefined,
      ConvertedContactId: converted ? contactId : undefined,
      ConvertedOpportunityId: converted ? firstOpportunityId : undefined,
      IsUnreadByOwner: false,
      ...auditDates(rng, leadCreated, owner, admin),
    })
    truth.person(person.entityId, 'salesforce', 'Lead', leadId)
    countRecord(context, 'salesforce/Lead')
  }
  return { contactId, leadId }
}

function writeDeals(context: GenerationContext, files: SalesforceFiles, org: Org, opportunityIds: readonly string[], contactIds: readonly string[], owner: string): void {
  const { rng, ids } = context
  for (const opportunityId of opportunityIds) {
    const [stage, probability, isClosed, isWon] = rng.pick(opportunityStages)
    const createdMs = org.createdMs + rng.int(0, Math.max(1, Math.floor((REFERENCE_MS - org.createdMs) / DAY_MS) - 1)) * DAY_MS + rng.int(0, 86_399) * 1000
    const closeMs = isClosed ? Math.min(REFERENCE_MS - DAY_MS, createdMs + rng.int(14, 200) * DAY_MS) : REFERENCE_MS + rng.int(7, 180) * DAY_MS
    const kind = rng.pick(['New Business', 'Renewal', 'Expansion', 'Upsell'])
    files.write('Opportunity', {
      Id: opportunityId, IsDeleted: false, AccountId: org.accountId, Name: `${org.name} - ${kind} ${new Date(closeMs).getUTCFullYear()}`,
      Description: rng.chance(0.3) ? `${kind} for the ${rng.pick(workNouns)}` : undefined, StageName: stage,
      Amount: rng.int(5, 400) * 1000, Probability: probability, CloseDate: isoDate(closeMs),
      Type: kind === 'New Business' ? 'New Customer' : 'Existing Customer - Upgrade',
      LeadSource: rng.pick(['Web', 'Partner Referral', 'Trade Show', 'Other']), IsClosed: isClosed, IsWon: isWon,
      ForecastCategoryName: isWon ? 'Closed' : isClosed ? 'Omitted' : probability >= 60 ? 'Commit' : 'Pipeline',
      OwnerId: owner, ...auditDates(rng, createdMs, owner, files.adminUserId),
    })
    countRecord(context, 'salesforce/Opportunity')
    const roles = Math.min(contactIds.length, rng.int(1, 3))
    const chosen = new Set<string>()
    for (let i = 0; i < roles; i++) {
      const contactId = rng.pick(contactIds)
      if (chosen.has(contactId)) continue
      chosen.add(contactId)
      files.write('OpportunityContactRole', {
        Id: ids.next('00K'), OpportunityId: opportunityId, ContactId: contactId, Role: rng.pick(contactRoles),
        IsPrimary: i === 0, IsDeleted: false, ...auditDates(rng, createdMs, owner, files.adminUserId),
      })
      countRecord(context, 'salesforce/OpportunityContactRole')
    }
  }
}

function writeCases(context: GenerationContext, files: SalesforceFiles, org: Org, contactIds: readonly string[], mailboxContactId: string | undefined): void {
  const { rng, ids, directory } = context
  if (org.accountId === undefined || contactIds.length === 0) return
  const count = rng.int(0, Math.ceil(org.people.length / 8))
  for (let i = 0; i < count; i++) {
    const caseOwnerIndex = rng.pick(directory.supportOwners)
    const owner = directory.salesforceUserIds[caseOwnerIndex] ?? ''
    const contactId = mailboxContactId !== undefined && rng.chance(0.3) ? mailboxContactId : rng.pick(contactIds)
    const createdMs = REFERENCE_MS - rng.int(1, 700) * DAY_MS - rng.int(0, 86_399) * 1000
    const closed = rng.chance(0.7)
    const origin = rng.pick(['Email', 'Phone', 'Web'])
    const noun = rng.pick(workNouns)
    files.write('Case', {
      Id: ids.next('500'), IsDeleted: false, CaseNumber: String(++files.caseNumber).padStart(8, '0'), ContactId: contactId,
      AccountId: org.accountId, SuppliedEmail: origin === 'Web' && mailboxContactId === contactId ? org.sharedMailbox?.email : undefined,
      Type: rng.pick(['Problem', 'Question', 'Feature Request']), Status: closed ? 'Closed' : rng.pick(['New', 'Working', 'Escalated']),
      Reason: rng.pick(['Performance', 'Breakdown', 'Installation', 'Feedback', 'Complex functionality']), Origin: origin,
      Subject: `Problem with the ${noun}`, Priority: rng.pick(['Low', 'Medium', 'Medium', 'High']),
      Description: `Customer reports an issue with the ${noun}.\nSteps: open "${noun}", click export.\nExpected: it works.`,
      IsClosed: closed, ClosedDate: closed ? salesforceDateTime(createdMs + rng.int(1, 20) * DAY_MS) : undefined,
      IsEscalated: rng.chance(0.1), OwnerId: owner, ...auditDates(rng, createdMs, owner, files.adminUserId),
    })
    countRecord(context, 'salesforce/Case')
  }
}

function writeActivities(
  context: GenerationContext,
  files: SalesforceFiles,
  org: Org,
  contactIds: readonly string[],
  leadIds: readonly string[],
  opportunityIds: readonly string[],
  owner: string,
): void {
  const { rng, ids } = context
  const admin = files.adminUserId
  const who = (): { whoId: string | undefined; whatId: string | undefined } => {
    if (contactIds.length > 0 && (leadIds.length === 0 || rng.chance(0.8))) {
      const whatId = opportunityIds.length > 0 && rng.chance(0.4) ? rng.pick(opportunityIds) : org.accountId
      return { whoId: rng.pick(contactIds), whatId }
    }
    // Activities on a Lead cannot name an Account or Opportunity.
    return { whoId: leadIds.length > 0 ? rng.pick(leadIds) : undefined, whatId: undefined }
  }
  const taskCount = rng.int(0, Math.ceil(org.people.length / 4))
  for (let i = 0; i < taskCount; i++) {
    const { whoId, whatId } = who()
    const dueMs = REFERENCE_MS + rng.int(-400, 30) * DAY_MS
    const done = dueMs < REFERENCE_MS && rng.chance(0.8)
    const subtype = rng.pick(['Call', 'Email', 'Task'])
    files.write('Task', {
      Id: ids.next('00T'), IsDeleted: false, WhoId: whoId, WhatId: whatId, AccountId: whatId === undefined ? undefined : org.accountId,
      Subject: subtype === 'Call' ? 'Call' : subtype === 'Email' ? `Email: ${rng.pick(workNouns)}` : `Follow up on ${rng.pick(workNouns)}`,
      ActivityDate: isoDate(dueMs), Status: done ? 'Completed' : 'Not Started', Priority: rng.chance(0.2) ? 'High' : 'Normal',
      IsClosed: done, TaskSubtype: subtype, Description: rng.chance(0.4) ? `Discussed the ${rng.pick(workNouns)}.` : undefined,
      OwnerId: owner, ...auditDates(rng, Math.min(dueMs, REFERENCE_MS) - rng.int(1, 20) * DAY_MS, owner, admin),
    })
    countRecord(context, 'salesforce/Task')
  }
  const eventCount = rng.int(0, Math.ceil(org.people.length / 10))
  for (let i = 0; i < eventCount; i++) {
    const { whoId, whatId } = who()
    const startMs = REFERENCE_MS + rng.int(-400, 45) * DAY_MS + rng.int(15, 23) * 3_600_000
    const duration = rng.pick([30, 45, 60, 90])
    files.write('Event', {
      Id: ids.next('00U'), IsDeleted: false, WhoId: whoId, WhatId: whatId, AccountId: whatId === undefined ? undefined : org.accountId,
      Subject: rng.pick(['Meeting', 'Demo', 'Discovery call', 'QBR', 'Onsite visit']), Location: rng.chance(0.5) ? 'Zoom' : undefined,
      IsAllDayEvent: false, ActivityDateTime: salesforceDateTime(startMs), ActivityDate: isoDate(startMs), DurationInMinutes: duration,
      StartDateTime: salesforceDateTime(startMs), EndDateTime: salesforceDateTime(startMs + duration * 60_000),
      Description: rng.chance(0.3) ? `Agenda:\n- ${rng.pick(workNouns)}\n- next steps` : undefined,
      OwnerId: owner, ...auditDates(rng, startMs - rng.int(1, 30) * DAY_MS, owner, admin),
    })
    countRecord(context, 'salesforce/Event')
  }
}
