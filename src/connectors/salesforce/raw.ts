import { z } from 'zod'

/**
 * Raw payloads as landed. An export gives every field as a string (the CSV cell); an API sync gives
 * JSON scalars (booleans, numbers, null) and compound objects. Only the fields normalize reads are
 * listed; every other field is kept (loose objects) and ignored here.
 */
export const salesforceValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional()
export type SalesforceValue = z.infer<typeof salesforceValueSchema>

function payloadSchema<const Names extends readonly string[]>(names: Names) {
  const shape = Object.fromEntries(names.map((name) => [name, salesforceValueSchema])) as Record<Names[number], typeof salesforceValueSchema>
  return z.looseObject(shape)
}

const common = ['Id', 'IsDeleted', 'OwnerId', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'] as const
const personName = ['Name', 'FirstName', 'LastName'] as const

export const accountFields = [...common, 'MasterRecordId', 'Name', 'Website', 'Phone', 'Industry', 'BillingCountry', 'ShippingCountry', 'ParentId'] as const
export const contactFields = [...common, 'MasterRecordId', ...personName, 'Email', 'Phone', 'MobilePhone', 'Title', 'AccountId', 'ReportsToId'] as const
export const leadFields = [
  ...common,
  'MasterRecordId',
  ...personName,
  'Email',
  'Phone',
  'MobilePhone',
  'Title',
  'Company',
  'Status',
  'IsConverted',
  'ConvertedDate',
  'ConvertedAccountId',
  'ConvertedContactId',
  'ConvertedOpportunityId',
] as const
export const userFields = [
  ...common,
  ...personName,
  'Email',
  'Phone',
  'MobilePhone',
  'Title',
  'Department',
  'EmployeeNumber',
  'ManagerId',
  'IsActive',
  'UserType',
  'Username',
  'FederationIdentifier',
  'TimeZoneSidKey',
  'ContactId',
  'AccountId',
] as const
export const opportunityFields = [
  ...common,
  'Name',
  'AccountId',
  'StageName',
  'Amount',
  'CurrencyIsoCode',
  'CloseDate',
  'IsClosed',
  'IsWon',
  'Description',
] as const
export const opportunityContactRoleFields = [...common, 'OpportunityId', 'ContactId', 'Role', 'IsPrimary'] as const
export const caseFields = [
  ...common,
  'Subject',
  'CaseNumber',
  'AccountId',
  'ContactId',
  'Status',
  'Priority',
  'IsClosed',
  'ClosedDate',
  'Description',
] as const
export const taskFields = [...common, 'Subject', 'Status', 'ActivityDate', 'CompletedDateTime', 'WhoId', 'WhatId', 'Description'] as const
export const eventFields = [
  ...common,
  'Subject',
  'StartDateTime',
  'EndDateTime',
  'ActivityDateTime',
  'ActivityDate',
  'DurationInMinutes',
  'IsAllDayEvent',
  'Location',
  'WhoId',
  'WhatId',
  'Description',
] as const

export const accountRawSchema = payloadSchema(accountFields)
export const contactRawSchema = payloadSchema(contactFields)
export const leadRawSchema = payloadSchema(leadFields)
export const userRawSchema = payloadSchema(userFields)
export const opportunityRawSchema = payloadSchema(opportunityFields)
export const opportunityContactRoleRawSchema = payloadSchema(opportunityContactRoleFields)
export const caseRawSchema = payloadSchema(caseFields)
export const taskRawSchema = payloadSchema(taskFields)
export const eventRawSchema = payloadSchema(eventFields)

export type AccountRaw = z.infer<typeof accountRawSchema>
export type ContactRaw = z.infer<typeof contactRawSchema>
export type LeadRaw = z.infer<typeof leadRawSchema>
export type UserRaw = z.infer<typeof userRawSchema>
export type OpportunityRaw = z.infer<typeof opportunityRawSchema>
export type OpportunityContactRoleRaw = z.infer<typeof opportunityContactRoleRawSchema>
export type CaseRaw = z.infer<typeof caseRawSchema>
export type TaskRaw = z.infer<typeof taskRawSchema>
export type EventRaw = z.infer<typeof eventRawSchema>
