import type { Rng } from './random.ts'
import type { SalesforceIdAllocator } from './ids.ts'
import type { EmployeeDirectory } from './model-employees.ts'
import { forcedTerminatedSalesRep } from './model-employees.ts'
import { mailboxEntityId, organizationEntityId, personEntityId, slackId } from './ids.ts'
import { drawPersonName, type PersonName } from './person-names.ts'
import { claimLocalPart, emailLocalPart, personalEmail, slug, type EmailPattern } from './names.ts'
import { countries, customerTitles, DAY_MS, industries, REFERENCE_MS, smallBusinessKinds, topLevelDomains } from './reference-data.ts'

/** What a later organisation may refer to: the employer a person left (movers), names to reuse. */
export interface OrgSummary {
  readonly index: number
  readonly name: string
  readonly accountId: string | undefined
  readonly emailDomain: string | undefined
  readonly ownerIndex: number
  readonly usedLocals: Set<string>
  readonly names: readonly PersonName[]
}

export interface CustomerPerson {
  readonly entityId: string
  readonly number: number
  readonly name: PersonName
  /** Canonical lower-case work address; absent at organisations that only use free-mail. */
  readonly workEmail: string | undefined
  readonly personalEmail: string | undefined
  readonly phone: string
  readonly mobile: string | undefined
  readonly title: string
  /** How Salesforce knows the person: as a Contact (maybe also a converted Lead) or only as a Lead. */
  readonly salesforce: 'contact' | 'lead'
  readonly convertedLead: boolean
  /** A second Contact for the same person, left live or merged away (IsDeleted + MasterRecordId). */
  readonly duplicate: 'live' | 'merged' | undefined
  /** Worked at the previous organisation before: an old Contact there with the old address. */
  readonly mover: { readonly oldEmail: string; readonly oldTitle: string; readonly from: OrgSummary } | undefined
}

export interface SharedMailbox {
  readonly entityId: string
  readonly email: string
  readonly name: string
}

export interface Org {
  readonly index: number
  readonly entityId: string
  readonly name: string
  /** Unique lower-case label: domain without TLD, Slack channel names. */
  readonly label: string
  /** customer: has a Salesforce Account; prospect: only Leads name it, by Company text. */
  readonly kind: 'customer' | 'prospect'
  readonly freemail: boolean
  readonly websiteDomain: string
  readonly emailDomain: string | undefined
  readonly industry: string
  readonly country: string
  readonly city: string
  readonly phone: string
  readonly headcount: number
  readonly accountId: string | undefined
  readonly duplicateAccount: { readonly id: string; readonly name: string; readonly merged: boolean } | undefined
  readonly parentAccountId: string | undefined
  readonly ownerIndex: number
  readonly createdMs: number
  readonly people: readonly CustomerPerson[]
  readonly sharedMailbox: SharedMailbox | undefined
  readonly slackTeamId: string
  /** connect: a Slack Connect channel with their workspace; internal: our own channel about them. */
  readonly slack: 'connect' | 'internal' | 'none'
  readonly slackGuest: boolean
}

export interface OrgState {
  nextIndex: number
  nextPersonNumber: number
  remaining: number
  mailboxCount: number
  previous: OrgSummary | undefined
  /** Recent customer accounts that a new account may name as ParentId. */
  readonly recentAccounts: string[]
  readonly labels: Set<string>
  /** Chances of Slack presence per organisation (capped at scale, see SlackVolume). */
  readonly slackRates: { readonly connect: number; readonly internal: number; readonly guest: number }
}

export function createOrgState(
  firstPersonNumber: number,
  customers: number,
  firstMailbox: number,
  slackRates: OrgState['slackRates'],
): OrgState {
  return {
    slackRates,
    nextIndex: 0,
    nextPersonNumber: firstPersonNumber,
    remaining: customers,
    mailboxCount: firstMailbox,
    previous: undefined,
    recentAccounts: [],
    labels: new Set([slug('northwind-analytics')]),
  }
}

const labelStopWords = new Set(['and', 'llc', 'inc', 'group', 'sons', 'the', 'co', 'ltd'])
const mailboxKinds: readonly (readonly [string, string])[] = [
  ['support', 'Support Team'], ['help', 'Helpdesk'], ['info', 'Info'], ['billing', 'Billing Team'], ['it', 'IT Helpdesk'],
]

function claimLabel(rng: Rng, labels: Set<string>, name: string): string {
  const tokens = slug(name).split('-').filter((token) => token.length > 0 && !labelStopWords.has(token))
  const base = tokens.slice(0, 2).join('') || 'company'
  let label = base
  if (labels.has(label)) label = base + rng.pick(['hq', 'group', 'global', 'labs', 'inc'])
  for (let n = 2; labels.has(label); n++) label = `${base}${n}`
  labels.add(label)
  return label
}

/**
 * Generates the next customer organisation and its people. Sizes are 5–50 (most small); the first
 * four organisations have fixed kinds so every run, however small, contains each mess case the
 * importer and resolver must handle (see the mess flags on CustomerPerson and Org).
 */
export function nextOrg(rng: Rng, state: OrgState, directory: EmployeeDirectory, ids: SalesforceIdAllocator): Org {
  const index = state.nextIndex++
  const faker = rng.faker
  let size = 5 + Math.floor(45 * rng.float() ** 2)
  if (size > state.remaining || state.remaining - size < 5) size = state.remaining
  state.remaining -= size

  const forcedKind = (['customer', 'customer', 'freemail', 'prospect'] as const)[index]
  const roll = rng.float()
  const kindRoll = forcedKind ?? (roll < 0.08 ? 'prospect' : roll < 0.15 ? 'freemail' : 'customer')
  const kind = kindRoll === 'prospect' ? 'prospect' : 'customer'
  const freemail = kindRoll === 'freemail'
  const name = freemail ? `${faker.person.lastName()} ${rng.pick(smallBusinessKinds)}` : faker.company.name()
  const label = claimLabel(rng, state.labels, name)
  const websiteDomain = `${label}.${rng.weighted(topLevelDomains)}`
  const emailDomain = freemail ? undefined : websiteDomain
  const emailPattern = rng.weighted<EmailPattern>([['first.last', 60], ['flast', 18], ['first_last', 8], ['firstl', 8], ['first', 6]])

  const accountId = kind === 'customer' ? ids.next('001') : undefined
  const duplicateAccount = accountId !== undefined && (index === 1 || rng.chance(0.04))
    ? { id: ids.next('001'), name: rng.pick([`${name} Inc.`, name.toUpperCase(), name.replace(/[,-]/g, '').replace(/\s+/g, ' ')]), merged: rng.chance(0.5) }
    : undefined
  const parentAccountId = accountId !== undefined && state.recentAccounts.length > 0 && rng.chance(0.04)
    ? rng.pick(state.recentAccounts)
    : undefined
  const ownerIndex = index === 0 ? forcedTerminatedSalesRep() : rng.pick(directory.salesOwners)
  const createdMs = REFERENCE_MS - rng.int(30, 2400) * DAY_MS + rng.int(0, 86_399) * 1000

  const usedLocals = new Set<string>()
  const people: CustomerPerson[] = []
  const previous = state.previous
  for (let i = 0; i < size; i++) {
    const number = state.nextPersonNumber++
    let name = drawPersonName(rng)
    if (i === 0 && index <= 1) name = { first: 'John', last: 'Smith' }
    else if (i === 1 && index === 0) name = { first: 'Zoë', last: 'Ångström' }
    else if (i === 1 && index === 1) name = { first: 'Björn', last: 'Lindqvist' }
    else if (i === 2 && index === 0) name = { first: 'Robert', last: name.last, goesBy: 'Bob' }
    else if (previous !== undefined && rng.chance(0.02)) {
      // A different person who happens to share a name with someone at the previous organisation.
      const twin = previous.names[Math.floor(rng.float() * previous.names.length)]
      if (twin !== undefined) name = { first: twin.first, last: twin.last }
    }
    const emailFirst = name.goesBy !== undefined && rng.chance(0.3) ? name.goesBy : name.first
    const workEmail = emailDomain === undefined
      ? undefined
      : `${claimLocalPart(usedLocals, emailLocalPart(emailFirst, name.last, emailPattern))}@${emailDomain}`
    const personal = freemail || rng.chance(0.2) ? personalEmail(rng, name.first, name.last, number) : undefined
    const salesforce = kind === 'prospect' ? 'lead' : i === 0 || rng.chance(0.9) ? 'contact' : 'lead'
    const convertedLead = salesforce === 'contact' && ((index === 0 && i === 0) || rng.chance(0.08))
    const duplicate = salesforce === 'contact' && ((index === 0 && i === 2) || rng.chance(0.025))
      ? (rng.chance(0.2) ? 'merged' : 'live')
      : undefined
    const canMove = previous?.emailDomain !== undefined && previous.accountId !== undefined
    const mover = canMove && ((index === 1 && i === 2) || rng.chance(0.015))
      ? {
          oldEmail: `${claimLocalPart(previous.usedLocals, emailLocalPart(name.first, name.last, 'first.last'))}@${previous.emailDomain}`,
          oldTitle: rng.pick(customerTitles),
          from: previous,
        }
      : undefined
    people.push({
      entityId: personEntityId(number),
      number,
      name,
      workEmail,
      personalEmail: personal,
      phone: faker.phone.number({ style: 'national' }),
      mobile: rng.chance(0.4) ? faker.phone.number({ style: 'national' }) : undefined,
      title: rng.pick(customerTitles),
      salesforce,
      convertedLead,
      duplicate,
      mover,
    })
  }

  let sharedMailbox: SharedMailbox | undefined
  if (kind === 'customer' && emailDomain !== undefined && (index === 0 || rng.chance(0.12))) {
    const [local, mailboxName] = index === 0 ? (['support', 'Support Team'] as const) : rng.pick(mailboxKinds)
    usedLocals.add(local)
    sharedMailbox = { entityId: mailboxEntityId(++state.mailboxCount), email: `${local}@${emailDomain}`, name: mailboxName }
  }

  const slackRoll = rng.float()
  const rates = state.slackRates
  const slack = index === 0 ? 'connect' : kind === 'prospect' ? 'none' : slackRoll < rates.connect ? 'connect' : slackRoll < rates.connect + rates.internal ? 'internal' : 'none'

  const org: Org = {
    index,
    entityId: organizationEntityId(index + 1),
    name,
    label,
    kind,
    freemail,
    websiteDomain,
    emailDomain,
    industry: rng.pick(industries),
    country: rng.weighted(countries),
    city: faker.location.city(),
    phone: faker.phone.number({ style: 'national' }),
    headcount: size * rng.int(3, 400),
    accountId,
    duplicateAccount,
    parentAccountId,
    ownerIndex,
    createdMs,
    people,
    sharedMailbox,
    slackTeamId: slackId('T', 1 + index),
    slack,
    slackGuest: kind === 'customer' && (index === 0 || rng.chance(rates.guest)),
  }

  state.previous = { index, name, accountId, emailDomain, ownerIndex, usedLocals, names: people.map((person) => person.name) }
  if (accountId !== undefined) {
    state.recentAccounts.push(accountId)
    if (state.recentAccounts.length > 50) state.recentAccounts.shift()
  }
  return org
}
