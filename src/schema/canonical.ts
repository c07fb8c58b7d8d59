import { z } from 'zod'

/**
 * Canonical records: what every source's raw records are normalised into, whatever the system.
 * Normalisers (pure functions per connector) produce these; resolution turns them into entities,
 * edges, activities and claims. Values are trimmed and empty strings become absent; identifying
 * values (emails, domains, phones) are kept as the source states them and normalised again by the
 * resolver's key functions, so the raw form stays visible in claims.
 */

/**
 * A source system's name: one of the built-in four, or one a connector module brings (`hubspot`,
 * `hr-feed`). It is the first part of a record reference `system:objectType:sourceId`.
 */
export const SYSTEM_NAME_PATTERN = /^[a-z][a-z0-9_-]{1,31}$/
export const systemSchema = z.string().regex(SYSTEM_NAME_PATTERN, 'a system name: 2–32 lowercase letters, digits, _ or -, starting with a letter')

/** Points at one source record: how canonical records refer to each other across records. */
export const sourceRefSchema = z.object({
  system: systemSchema,
  objectType: z.string().min(1),
  sourceId: z.string().min(1),
})
export type SourceRef = z.infer<typeof sourceRefSchema>

const text = z.string().min(1)
const isoTime = z.iso.datetime({ offset: true })

export const emailSchema = z.object({
  address: text,
  type: z.enum(['work', 'personal', 'other']).default('other'),
  primary: z.boolean().optional(),
})

export const phoneSchema = z.object({
  number: text,
  type: z.enum(['work', 'mobile', 'home', 'fax', 'other']).default('other'),
})

export const personNameSchema = z.object({
  full: text.optional(),
  given: text.optional(),
  family: text.optional(),
  /** Preferred or display name when it differs from the legal one (Workday preferred name, Slack display name). */
  preferred: text.optional(),
})

/** Employment facts from an HR system or directory: only internal people have them. */
export const employmentSchema = z.object({
  employeeId: text.optional(),
  title: text.optional(),
  department: text.optional(),
  managerRef: sourceRefSchema.optional(),
  managerEmail: text.optional(),
  managerEmployeeId: text.optional(),
  hireDate: text.optional(),
  terminationDate: text.optional(),
  active: z.boolean().optional(),
  workerType: text.optional(),
  location: text.optional(),
  costCenter: text.optional(),
})

export const personSchema = z.object({
  kind: z.literal('person'),
  name: personNameSchema,
  emails: z.array(emailSchema).default([]),
  phones: z.array(phoneSchema).default([]),
  title: text.optional(),
  /** Free-text company name as the record states it (a Lead's Company, a contact's Organization Name). */
  organizationName: text.optional(),
  /** The organisation record this person belongs to (a Contact's Account). */
  organizationRef: sourceRefSchema.optional(),
  /** True for our own people (Workday, Google directory, Salesforce users, our Slack members). */
  internal: z.boolean().nullable(),
  /** Slack Connect team id (or other foreign workspace id) for external chat users. */
  externalTeamId: text.optional(),
  isBot: z.boolean().optional(),
  status: z.enum(['active', 'inactive', 'deleted', 'guest']).optional(),
  timezone: text.optional(),
  location: text.optional(),
  employment: employmentSchema.optional(),
  /** Other ids of this person in any system, e.g. a Google user's employee id. */
  externalIds: z.array(z.object({ type: text, value: text })).default([]),
  updatedAt: isoTime.optional(),
})

export const organizationSchema = z.object({
  kind: z.literal('organization'),
  name: text.optional(),
  domains: z.array(text).default([]),
  website: text.optional(),
  phone: text.optional(),
  industry: text.optional(),
  country: text.optional(),
  /** Slack Connect: the team id of a customer's workspace. */
  slackTeamId: text.optional(),
  parentRef: sourceRefSchema.optional(),
  ownerRef: sourceRefSchema.optional(),
  internal: z.boolean().nullable(),
  updatedAt: isoTime.optional(),
})

export const conversationSchema = z.object({
  kind: z.literal('conversation'),
  name: text.optional(),
  conversationType: z.enum(['channel', 'private_channel', 'dm', 'group_dm']),
  topic: text.optional(),
  purpose: text.optional(),
  archived: z.boolean().default(false),
  /** Slack Connect: shared with other organisations. */
  externallyShared: z.boolean().default(false),
  sharedTeamIds: z.array(text).default([]),
  createdAt: isoTime.optional(),
})

export const fileMetaSchema = z.object({
  id: text,
  name: text.optional(),
  title: text.optional(),
  mimetype: text.optional(),
  size: z.number().optional(),
})

export const messageSchema = z.object({
  kind: z.literal('message'),
  conversationRef: sourceRefSchema,
  authorRef: sourceRefSchema.optional(),
  /** Name shown for a bot or an external sender when there is no user record. */
  authorName: text.optional(),
  text: z.string(),
  sentAt: isoTime,
  ts: text,
  threadTs: text.optional(),
  subtype: text.optional(),
  mentionRefs: z.array(sourceRefSchema).default([]),
  reactions: z.array(z.object({ name: text, count: z.number().int(), userRefs: z.array(sourceRefSchema) })).default([]),
  files: z.array(fileMetaSchema).default([]),
  editedAt: isoTime.optional(),
})

export const attendeeSchema = z.object({
  email: text.optional(),
  name: text.optional(),
  personRef: sourceRefSchema.optional(),
  role: z.enum(['organizer', 'required', 'optional', 'resource']).default('required'),
  response: z.enum(['accepted', 'declined', 'tentative', 'needs_action']).optional(),
})

export const meetingSchema = z.object({
  kind: z.literal('meeting'),
  title: text.optional(),
  startsAt: isoTime,
  endsAt: isoTime.optional(),
  allDay: z.boolean().default(false),
  location: text.optional(),
  description: z.string().optional(),
  status: z.enum(['confirmed', 'tentative', 'cancelled']).optional(),
  organizer: attendeeSchema.optional(),
  attendees: z.array(attendeeSchema).default([]),
  /** Salesforce Event: what it relates to (account, opportunity). */
  relatedRefs: z.array(sourceRefSchema).default([]),
})

export const dealSchema = z.object({
  kind: z.literal('deal'),
  name: text.optional(),
  accountRef: sourceRefSchema.optional(),
  ownerRef: sourceRefSchema.optional(),
  stage: text.optional(),
  amount: z.number().optional(),
  currency: text.optional(),
  closeDate: text.optional(),
  isClosed: z.boolean().optional(),
  isWon: z.boolean().optional(),
  description: z.string().optional(),
  createdAt: isoTime.optional(),
  updatedAt: isoTime.optional(),
})

export const caseSchema = z.object({
  kind: z.literal('case'),
  subject: text.optional(),
  caseNumber: text.optional(),
  accountRef: sourceRefSchema.optional(),
  contactRef: sourceRefSchema.optional(),
  ownerRef: sourceRefSchema.optional(),
  status: text.optional(),
  priority: text.optional(),
  isClosed: z.boolean().optional(),
  openedAt: isoTime.optional(),
  closedAt: isoTime.optional(),
  description: z.string().optional(),
  updatedAt: isoTime.optional(),
})

/** Salesforce Task and similar logged activity that is not a meeting. */
export const taskSchema = z.object({
  kind: z.literal('task'),
  subject: text.optional(),
  status: text.optional(),
  dueDate: text.optional(),
  occurredAt: isoTime.optional(),
  whoRef: sourceRefSchema.optional(),
  whatRef: sourceRefSchema.optional(),
  ownerRef: sourceRefSchema.optional(),
  description: z.string().optional(),
})

export const linkTypes = [
  'works_at', // person → organization
  'owns', // internal person → organization / deal / case (account owner)
  'reports_to', // person → manager person
  'member_of', // person → conversation
  'converted_to', // lead → contact / account / opportunity
  'contact_of', // person → deal / case (OpportunityContactRole, Case.ContactId)
  'same_as', // a record states that two records are the same (Slack user ↔ email owner)
] as const

/** A relationship a record states between two records. Resolution turns it into an edge. */
export const linkSchema = z.object({
  kind: z.literal('link'),
  linkType: z.enum(linkTypes),
  from: sourceRefSchema,
  to: sourceRefSchema,
  attributes: z.record(z.string(), z.unknown()).default({}),
})

export const canonicalRecordSchema = z.discriminatedUnion('kind', [
  personSchema,
  organizationSchema,
  conversationSchema,
  messageSchema,
  meetingSchema,
  dealSchema,
  caseSchema,
  taskSchema,
  linkSchema,
])

export type CanonicalRecord = z.infer<typeof canonicalRecordSchema>
export type CanonicalKind = CanonicalRecord['kind']
export type Person = z.infer<typeof personSchema>
export type Organization = z.infer<typeof organizationSchema>
export type Conversation = z.infer<typeof conversationSchema>
export type Message = z.infer<typeof messageSchema>
export type Meeting = z.infer<typeof meetingSchema>
export type Deal = z.infer<typeof dealSchema>
export type Case = z.infer<typeof caseSchema>
export type Task = z.infer<typeof taskSchema>
export type Link = z.infer<typeof linkSchema>
