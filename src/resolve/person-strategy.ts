/**
 * How people are resolved. Exclusive: one Workday worker, Google user, Salesforce user and Slack user
 * per person, and one employee id. A shared email or phone does not merge records whose names
 * contradict each other. Two records that no identifier joined but that share a name block (same
 * family name, compatible initial) are scored: a Fellegi–Sunter style sum of log2 likelihood ratios
 * with fixed, documented weights — fixed so that the result never depends on which records happened
 * to be imported first (a model re-trained on each increment would). Each feature's level and weight
 * is kept as evidence. Pure.
 */
import { foldedWordsCompatible, hasNicknameGroup, isFreeMailDomain, isGenericMailbox, isGenericPhone, normalizeEmail, normalizeOrganizationName, normalizePhone, registrableDomain } from './keys/index.ts'
import { jaroWinklerAtLeast } from './match/string-similarity.ts'
import { nameParts } from './person-keys.ts'
import { EMPTY_CONTEXT, type OrganizationContext } from './organization-context.ts'
import type { FeatureEvidence, PairScore, ResolutionStrategy } from './resolve-records.ts'
import { formatRef, type PersonRecord } from './resolvable.ts'

/** What the scorer compares, computed once per record. */
/** A person's own organisation hints: `domain:` work domains, `ref:` account, `name:` company, `team:` Slack team. */
export function organizationHints(person: PersonRecord, workDomains: Iterable<string>): string[] {
  const hints = [...workDomains].map((domain) => `domain:${domain}`)
  if (person.organizationRef) hints.push(`ref:${formatRef(person.organizationRef)}`)
  const company = normalizeOrganizationName(person.organizationName)
  if (company) hints.push(`name:${company}`)
  if (person.externalTeamId) hints.push(`team:${person.externalTeamId}`)
  return hints
}

/** An organisation token's type: domain, org, slug, name, ref, team. */
const organizationType = (token: string): string => token.slice(0, token.indexOf(':'))

export interface PersonFeatures {
  /** The first word of the folded given name: given names are compared by it. */
  given: string
  family: string
  emails: ReadonlySet<string>
  /** Registrable domains of the record's non-free, non-generic email addresses. */
  workDomains: ReadonlySet<string>
  phones: ReadonlySet<string>
  /** Organisation hints and what the organisation context expands them to (see organization-context.ts). */
  organizations: ReadonlySet<string>
  /** The types of those tokens (domain, org, slug …): tokens of one type that differ say "different organisation". */
  organizationTypes: ReadonlySet<string>
  internal: boolean | null
  bot: boolean
}

export function personFeatures(person: PersonRecord, context: OrganizationContext = EMPTY_CONTEXT): PersonFeatures {
  const { given: givenNames, family } = nameParts(person)
  const given = firstWord(givenNames)
  const { emails, workDomains } = mailboxes(person)
  const phones = new Set<string>()
  for (const phone of person.phones) {
    const e164 = normalizePhone(phone.number)
    if (e164 && !isGenericPhone(e164)) phones.add(e164)
  }
  const hints = organizationHints(person, workDomains)
  const organizations = new Set<string>(hints)
  for (const hint of hints) for (const token of context.expand(hint)) organizations.add(token)
  const organizationTypes = new Set([...organizations].map(organizationType))
  return { given, family, emails, workDomains, phones, organizations, organizationTypes, internal: person.internal, bot: person.isBot === true }
}

/** The organisation hints of a person record: what its organisation context must be able to expand. */
export function personOrganizationHints(person: PersonRecord): string[] {
  return organizationHints(person, mailboxes(person).workDomains)
}

/** A person's normalised, non-generic email addresses, and the registrable work domains among them. */
function mailboxes(person: PersonRecord): { emails: Set<string>; workDomains: Set<string> } {
  const emails = new Set<string>()
  const workDomains = new Set<string>()
  for (const email of person.emails) {
    const normalized = normalizeEmail(email.address)
    if (!normalized || isGenericMailbox(normalized.local)) continue
    emails.add(normalized.address)
    const domain = registrableDomain(normalized.domain)
    if (domain && !isFreeMailDomain(domain)) workDomains.add(domain)
  }
  return { emails, workDomains }
}

/**
 * A link needs at least these odds (2^5 = 32:1, probability ≈ 0.97): more than a name alone gives,
 * so namesakes stay apart unless something else — the organisation, both being our employees —
 * agrees.
 */
export const MATCH_WEIGHT = 5
/** At or below this, the two records are confidently different people: their clusters never merge. */
export const CONFLICT_WEIGHT = -4

const GIVEN = { exact: 4.5, nickname: 3, typo: 2, initial: 1, different: -8 } as const
const ORGANIZATION = { same: 4, different: -3 } as const
const SIDE = { bothInternal: 2.5, internalAndExternal: -4 } as const
const PHONE = { different: -1 } as const
/** Two different mailboxes at one company's domain are two people, however alike their names. */
const EMAIL = { distinctAtSameDomain: -6 } as const
const BOT = { mixed: -10 } as const
/** The most the features of a pair other than the given name can add (same organisation, both ours). */
const MAX_OTHER_EVIDENCE = ORGANIZATION.same + SIDE.bothInternal
/** The most the features of a pair can add to the prior (same given name, same organisation, both ours). */
const MAX_EVIDENCE = GIVEN.exact + MAX_OTHER_EVIDENCE

/**
 * Whether any pair among `blockPeople` candidates could reach the match weight. In a more common name
 * block the prior alone outweighs the strongest evidence (at 2 : 256 no pair links), so its pairs are
 * not compared: cost stays near-linear however common a family name grows.
 */
export function personBlockCanLink(blockPeople: number): boolean {
  return Math.log2(2 / Math.max(2, blockPeople)) + MAX_EVIDENCE >= MATCH_WEIGHT - 0.01
}

/**
 * Whether a pair of a block with `blockPeople` candidates could reach the match weight, judging by
 * their given names alone: in a block most given names differ, and such a pair never links.
 */
export function personPairMayLink(a: PersonFeatures, b: PersonFeatures, blockPeople: number): boolean {
  const given = compareGiven(a.given, b.given)
  return priorWeight(blockPeople) + (given ? GIVEN[given] : 0) + MAX_OTHER_EVIDENCE >= MATCH_WEIGHT - 0.01
}

/**
 * `blockPeople`: how many distinct candidates (clusters) share the name block. The prior is the odds
 * that two of them are one person, 2 : blockPeople — a rare name is evidence, a common one is not.
 */
export function scorePersonPair(a: PersonFeatures, b: PersonFeatures, blockPeople: number): PairScore {
  const evidence: FeatureEvidence[] = []
  return { weight: personPairWeight(a, b, blockPeople, evidence), evidence }
}

/**
 * The weight of {@link scorePersonPair} alone, with each feature's level and weight pushed to
 * `evidence` when one is given: a pass scores many pairs and keeps the evidence of few.
 */
export function personPairWeight(a: PersonFeatures, b: PersonFeatures, blockPeople: number, evidence?: FeatureEvidence[]): number {
  let sum = 0
  const add = (feature: string, level: string, weight: number) => {
    sum += weight
    evidence?.push({ feature, level, weight })
  }
  add('prior', `${blockPeople} in name block`, priorWeight(blockPeople))

  const given = compareGiven(a.given, b.given)
  if (given) add('given_name', given, GIVEN[given])

  const organization = compareOrganizations(a, b)
  if (organization) add('organization', organization, ORGANIZATION[organization])

  if (a.internal === true && b.internal === true) add('side', 'both internal', SIDE.bothInternal)
  else if ((a.internal === true && b.internal === false) || (a.internal === false && b.internal === true)) add('side', 'internal and external', SIDE.internalAndExternal)

  if (a.phones.size > 0 && b.phones.size > 0 && !intersects(a.phones, b.phones)) add('phone', 'different', PHONE.different)

  if (a.emails.size > 0 && b.emails.size > 0 && !intersects(a.emails, b.emails) && intersects(a.workDomains, b.workDomains)) {
    add('email', 'different mailboxes at one domain', EMAIL.distinctAtSameDomain)
  }
  if (a.bot !== b.bot) add('bot', 'bot and person', BOT.mixed)

  return round(sum)
}

/** The odds that two of `blockPeople` candidates are one person, 2 : blockPeople, in bits. */
function priorWeight(blockPeople: number): number {
  return round(Math.log2(2 / Math.max(2, blockPeople)))
}

type GivenLevel = keyof typeof GIVEN

/** Compares the first words of two given names. */
function compareGiven(wordA: string, wordB: string): GivenLevel | undefined {
  if (wordA === '' || wordB === '') return undefined
  if (wordA === wordB) return 'exact'
  if (wordA.length === 1 || wordB.length === 1) return wordA.charAt(0) === wordB.charAt(0) ? 'initial' : 'different'
  if (foldedWordsCompatible(wordA, wordB)) return hasNicknameGroup(wordA) || wordA.length >= 3 ? 'nickname' : 'initial'
  if (jaroWinklerAtLeast(wordA, wordB, 0.92)) return 'typo'
  return 'different'
}

/** Same when they share an organisation token; different when both have tokens of one type and share none. */
function compareOrganizations(a: PersonFeatures, b: PersonFeatures): 'same' | 'different' | undefined {
  if (a.organizations.size === 0 || b.organizations.size === 0) return undefined
  if (intersects(a.organizations, b.organizations)) return 'same'
  return intersects(a.organizationTypes, b.organizationTypes) ? 'different' : undefined
}

function intersects<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  for (const value of small) if (large.has(value)) return true
  return false
}

function firstWord(folded: string): string {
  const space = folded.indexOf(' ')
  return space === -1 ? folded : folded.slice(0, space)
}

function round(weight: number): number {
  return Math.round(weight * 100) / 100
}

/** Whether two records' names contradict each other: incompatible given names and different family names. */
function namesConflict(a: PersonFeatures, b: PersonFeatures): boolean {
  if (a.given === '' || b.given === '' || a.family === '' || b.family === '') return false
  return a.family !== b.family && compareGiven(a.given, b.given) === 'different'
}

/** Account record types a person has at most one of, per system. */
const EXCLUSIVE_ACCOUNTS: ReadonlySet<string> = new Set(['workday:worker', 'google:user', 'salesforce:User', 'slack:user'])
/** Identifiers a contradiction in the names overrules (a shared phone or mailbox can be a family's). */
const NAME_CHECKED: ReadonlySet<string> = new Set(['email', 'phone'])

/** The person strategy, comparing organisations through what `context` knows of them. */
export const createPersonStrategy = (context: OrganizationContext): ResolutionStrategy<PersonRecord, PersonFeatures> => ({
  features: (person) => personFeatures(person, context),
  exclusive(ref, keys) {
    const values: [string, string][] = []
    const account = `${ref.system}:${ref.objectType}`
    if (EXCLUSIVE_ACCOUNTS.has(account)) values.push([`account ${account}`, ref.sourceId])
    for (const key of keys) if (key.kind === 'employee_id' && key.role === 'identifier') values.push(['employee_id', key.value])
    return values
  },
  identifierConflict: (kind, a, b) => (NAME_CHECKED.has(kind) && namesConflict(a, b) ? 'name_conflict' : undefined),
  score: scorePersonPair,
  weight: personPairWeight,
  mayLink: personPairMayLink,
  canLink: personBlockCanLink,
  matchWeight: MATCH_WEIGHT,
  conflictWeight: CONFLICT_WEIGHT,
  keyOrder: ['record', 'employee_id', 'email', 'phone'],
  maxRecords: 200,
  maxBlock: 500,
})

export const personStrategy = createPersonStrategy(EMPTY_CONTEXT)
