import { z } from 'zod'

/**
 * Raw Workday payloads. Workday has no fixed export schema: report columns are tenant-defined (RaaS
 * JSON keys are the columns' XML aliases such as `Email_-_Work`, UI CSV/XLSX headers are the labels
 * such as "Email - Work", REST uses camelCase such as `primaryWorkEmail`). Payloads are therefore kept
 * exactly as read, and columns are matched to the canonical worker fields below when normalising
 * (see columns.ts).
 *
 * Canonical worker fields (the values a column mapping may name):
 * - `employeeId`          Employee_ID, Employee ID, Worker ID, employeeID, Contingent_Worker_ID — the source id
 * - `wid`                 WID, Worker_WID (REST: the worker's `id`)
 * - `firstName`, `lastName`                    Legal_Name_-_First_Name, First Name, Legal Last Name …
 * - `preferredFirstName`, `preferredLastName`  Preferred_Name_-_First_Name …
 * - `preferredName`       Preferred Name (whole preferred name in one column)
 * - `fullName`            Worker, descriptor, Name, Full Name, Legal Name
 * - `workEmail`, `homeEmail`                    Email_-_Work, Work Email, primaryWorkEmail, Email_-_Home …
 * - `workPhone`, `mobilePhone`, `homePhone`    primaryWorkPhone, Phone - Work, Mobile Phone …
 * - `title`               businessTitle, Job_Title, Business Title
 * - `department`          Supervisory_Organization, primarySupervisoryOrganization, Department
 * - `location`, `costCenter`, `company`, `workerType`
 * - `hireDate`, `terminationDate`               YYYY-MM-DD (RaaS) or M/D/YYYY (UI exports)
 * - `active`              Active_Status "1"/"0", Yes/No, true/false, Active/Inactive/Terminated
 * - `managerId`, `managerEmail`, `managerName`  Manager_ID, Worker_s_Manager_group[0].Manager_ID,
 *                                               Manager Employee ID, Worker_s_Manager (descriptor) …
 */
export const workerFields = [
  'employeeId',
  'wid',
  'firstName',
  'lastName',
  'preferredFirstName',
  'preferredLastName',
  'preferredName',
  'fullName',
  'workEmail',
  'homeEmail',
  'workPhone',
  'mobilePhone',
  'homePhone',
  'title',
  'department',
  'location',
  'costCenter',
  'company',
  'workerType',
  'hireDate',
  'terminationDate',
  'active',
  'managerId',
  'managerEmail',
  'managerName',
] as const
export type WorkerField = (typeof workerFields)[number]

export const workerFieldSchema = z.enum(workerFields)

/**
 * Per-report column mapping override, `{ "<column as in the file>": "<canonical field>" }`: given as
 * ReadContext.options.mapping on import and NormalizeContext.settings.mapping when normalising. A
 * nested value may be named by its path, e.g. `Worker_s_Manager_group.Manager_ID`.
 */
export const columnMappingSchema = z.record(z.string().min(1), workerFieldSchema)
export type ColumnMapping = z.infer<typeof columnMappingSchema>

/** A RaaS `Report_Entry` element, a CSV/XLSX row or a REST worker: any JSON object, keys as read. */
export const workerEntrySchema = z.looseObject({})
export type WorkerEntry = z.infer<typeof workerEntrySchema>

/** Reference fields in REST (and some RaaS reports) render as `{ id, descriptor, href }`. */
export const referenceSchema = z.looseObject({
  id: z.string().nullish(),
  descriptor: z.string().nullish(),
  href: z.string().nullish(),
})

/**
 * One element of a REST `GET /workers` page (`{ total, data: [ … ] }`). Newer versions carry the
 * fields flat (`primaryWorkEmail`, `businessTitle`, `primarySupervisoryOrganization`); older ones
 * nest them (`primaryJob.businessTitle`, `person.email`). The WID `id` identifies the worker when it
 * has no employee id; an entry with neither is rejected when read.
 */
export const restWorkerSchema = z.looseObject({
  id: z.string().min(1).optional(),
  descriptor: z.string().nullish(),
  href: z.string().nullish(),
  primaryWorkEmail: z.string().nullish(),
  primaryWorkPhone: z.string().nullish(),
  businessTitle: z.string().nullish(),
  isManager: z.boolean().nullish(),
  primarySupervisoryOrganization: referenceSchema.nullish(),
  primaryJob: z.looseObject({}).nullish(),
  person: z.looseObject({}).nullish(),
})
export type RestWorker = z.infer<typeof restWorkerSchema>

/**
 * Keys of a REST `GET /people` element. Those elements hold links to sub-resources
 * (`"workEmails": "https://…"`), not worker data, so a page of them is skipped rather than landed.
 */
export const peopleLinkKeys = [
  'legalName',
  'preferredName',
  'workEmails',
  'homeEmails',
  'workPhones',
  'homePhones',
  'workAddresses',
  'homeAddresses',
  'personalInformation',
  'photos',
  'additionalNames',
] as const
