import { type ColumnMapping, type WorkerField, workerFields, workerFieldSchema } from './raw.ts'

/**
 * Matches tenant-defined Workday column names to canonical worker fields. The same column shows up
 * as an XML alias in RaaS JSON (`Email_-_Work`), as a label in UI CSV/XLSX ("Email - Work"), in
 * camelCase in REST (`primaryWorkEmail`) or hand-made (`email_work`), so keys are compared in one
 * normalised form: camelCase split, lower-cased, every run of separators and punctuation (`_-_`,
 * ` - `, `_`, spaces, apostrophes) collapsed into one `_`.
 */
export function normalizeColumnKey(key: string): string {
  return key
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => part !== '')
    .join('_')
}

/** Built-in names per field, in normalised form, best first. */
const aliases: Record<WorkerField, readonly string[]> = {
  employeeId: [
    'employee_id',
    'employeeid',
    'worker_id',
    'workerid',
    'employee_number',
    'employee_or_contingent_worker_id',
    'contingent_worker_id',
    'emp_id',
  ],
  wid: ['wid', 'worker_wid', 'workday_id'],
  firstName: ['legal_name_first_name', 'legal_first_name', 'first_name', 'firstname', 'given_name', 'legal_name_given_name'],
  lastName: [
    'legal_name_last_name',
    'legal_last_name',
    'last_name',
    'lastname',
    'family_name',
    'surname',
    'legal_name_family_name',
  ],
  preferredFirstName: ['preferred_name_first_name', 'preferred_first_name'],
  preferredLastName: ['preferred_name_last_name', 'preferred_last_name'],
  preferredName: ['preferred_name', 'preferred_full_name', 'preferred_name_full_name'],
  fullName: ['worker', 'descriptor', 'name', 'full_name', 'legal_name', 'legal_full_name', 'worker_name', 'employee_name', 'display_name'],
  workEmail: [
    'email_work',
    'work_email',
    'primary_work_email',
    'email_address_work',
    'work_email_address',
    'business_email',
    'email',
    'email_address',
    'primary_email',
  ],
  homeEmail: ['email_home', 'home_email', 'primary_home_email', 'email_address_home', 'home_email_address', 'personal_email'],
  workPhone: ['phone_work', 'work_phone', 'primary_work_phone', 'work_phone_number', 'business_phone', 'phone', 'phone_number', 'primary_phone'],
  mobilePhone: ['phone_mobile', 'mobile_phone', 'mobile', 'mobile_phone_number', 'cell_phone'],
  homePhone: ['phone_home', 'home_phone', 'primary_home_phone'],
  title: ['business_title', 'job_title', 'title', 'position_title', 'position'],
  department: [
    'supervisory_organization',
    'primary_supervisory_organization',
    'department',
    'supervisory_org',
    'organization',
    'dept',
  ],
  location: ['location', 'work_location', 'primary_work_location', 'business_site', 'location_name', 'office'],
  costCenter: ['cost_center', 'cost_centre', 'cost_center_name'],
  company: ['company', 'company_name', 'legal_entity'],
  workerType: ['worker_type', 'employee_type', 'contingent_worker_type', 'worker_category'],
  hireDate: ['hire_date', 'most_recent_hire_date', 'original_hire_date', 'date_of_hire', 'start_date'],
  terminationDate: ['termination_date', 'terminated_date', 'most_recent_termination_date', 'last_day_of_work'],
  active: ['active_status', 'active', 'is_active', 'worker_status', 'employee_status', 'employment_status', 'status'],
  managerId: [
    'manager_id',
    'manager_employee_id',
    'manager_s_employee_id',
    'managers_employee_id',
    'worker_s_manager_id',
    'manager_worker_id',
    'supervisor_id',
  ],
  managerEmail: [
    'manager_email',
    'manager_email_work',
    'manager_work_email',
    'manager_s_email',
    'managers_email',
    'worker_s_manager_email',
    'supervisor_email',
  ],
  managerName: [
    'worker_s_manager',
    'manager',
    'manager_name',
    'manager_s_name',
    'managers_name',
    'worker_s_manager_name',
    'supervisor',
    'supervisor_name',
  ],
}

interface AliasMatch {
  field: WorkerField
  rank: number
}

const aliasIndex: ReadonlyMap<string, AliasMatch> = new Map(
  Object.entries(aliases).flatMap(([field, names]) => names.map((name, rank) => [name, { field: field as WorkerField, rank }] as const)),
)

/** The built-in field of a column name; calculated fields' `CF_` prefix is ignored. */
export function matchColumn(key: string): AliasMatch | undefined {
  const normalized = normalizeColumnKey(key)
  return aliasIndex.get(normalized) ?? (normalized.startsWith('cf_') ? aliasIndex.get(normalized.slice(3)) : undefined)
}

/**
 * Inside a manager group (`Worker_s_Manager_group[0]`) the person columns describe the manager:
 * its `Employee_ID` is the manager's id, its `Email_-_Work` the manager's email.
 */
const managerContextField: Partial<Record<WorkerField, WorkerField>> = {
  employeeId: 'managerId',
  managerId: 'managerId',
  workEmail: 'managerEmail',
  managerEmail: 'managerEmail',
  fullName: 'managerName',
  managerName: 'managerName',
}

/** A scalar value as text: trimmed strings, numbers, booleans, a reference's descriptor, an array's first value. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim()
    return trimmed === '' ? undefined : trimmed
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = scalarText(item)
      if (text !== undefined) return text
    }
    return undefined
  }
  if (isPlainObject(value)) return scalarText(value.descriptor)
  return undefined
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export interface ResolvedValue {
  text: string
  /** Where in the payload it came from, e.g. `Email_-_Work` or `Worker_s_Manager_group[0].Manager_ID`. */
  path: string
}

export type ResolvedWorker = Partial<Record<WorkerField, ResolvedValue>>

interface Candidate {
  key: string
  /** The key path without array indexes, for mapping overrides: `Worker_s_Manager_group.Manager_ID`. */
  mappingPath: string
  path: string
  value: unknown
  nested: boolean
  managerContext: boolean
}

/** Keys of a nested reference that say nothing about the worker (`primarySupervisoryOrganization.descriptor`). */
const referenceKeys = new Set(['id', 'href', 'descriptor'])

/**
 * Every key of an entry that can carry a field: its own keys, then the keys of nested objects one
 * level down (REST `primaryJob.businessTitle`, `person.email`) and of the first element of
 * multi-instance `…_group` arrays (RaaS `Worker_s_Manager_group[0].Manager_ID`).
 */
function candidates(entry: Record<string, unknown>): Candidate[] {
  const found: Candidate[] = []
  const nested: Candidate[] = []
  for (const [key, value] of Object.entries(entry)) {
    found.push({ key, mappingPath: key, path: key, value, nested: false, managerContext: false })
    const container: unknown = Array.isArray(value) ? value[0] : value
    const prefix = Array.isArray(value) ? `${key}[0]` : key
    if (!isPlainObject(container)) continue
    const tokens = normalizeColumnKey(key).split('_')
    const managerContext = tokens.includes('manager') || tokens.includes('supervisor')
    for (const [subKey, subValue] of Object.entries(container)) {
      if (referenceKeys.has(subKey)) continue
      nested.push({
        key: subKey,
        mappingPath: `${key}.${subKey}`,
        path: `${prefix}.${subKey}`,
        value: subValue,
        nested: true,
        managerContext,
      })
    }
  }
  return [...found, ...nested]
}

/** Looks a column up in the mapping override: by its exact name, else by its normalised name. */
export function mappedField(mapping: ColumnMapping, key: string): WorkerField | undefined {
  const exact = mapping[key]
  if (exact !== undefined) return exact
  const normalized = normalizeColumnKey(key)
  for (const [column, field] of Object.entries(mapping)) {
    if (normalizeColumnKey(column) === normalized) return field
  }
  return undefined
}

/**
 * The canonical fields of one entry. The mapping override wins (a mapped column counts only for the
 * field it is mapped to); then built-in names, top-level keys before nested ones, better aliases
 * first. Empty values never count, so an empty `Email_-_Work` falls back to `Email`.
 */
export function resolveWorkerFields(entry: Record<string, unknown>, mapping: ColumnMapping): ResolvedWorker {
  const best = new Map<WorkerField, { score: number; value: ResolvedValue }>()
  for (const candidate of candidates(entry)) {
    const text = scalarText(candidate.value)
    if (text === undefined) continue
    // A nested value may also be mapped by its bare key (`Manager_ID` for `Worker_s_Manager_group[0].Manager_ID`).
    const mapped = mappedField(mapping, candidate.mappingPath) ?? (candidate.nested ? mappedField(mapping, candidate.key) : undefined)
    let field: WorkerField | undefined
    let score: number
    if (mapped !== undefined) {
      field = mapped
      score = 0
    } else {
      const match = matchColumn(candidate.key)
      if (match === undefined) continue
      field = candidate.managerContext ? managerContextField[match.field] : match.field
      score = (candidate.nested ? 2000 : 1000) + match.rank
    }
    if (field === undefined) continue
    const current = best.get(field)
    if (current === undefined || score < current.score) best.set(field, { score, value: { text, path: candidate.path } })
  }
  const resolved: ResolvedWorker = {}
  for (const [field, { value }] of best) resolved[field] = value
  return resolved
}

/** Whether a column (a CSV/XLSX header or an entry key) names the employee id. */
export function isEmployeeIdColumn(key: string, mapping: ColumnMapping): boolean {
  const mapped = mappedField(mapping, key)
  if (mapped !== undefined) return mapped === 'employeeId'
  return matchColumn(key)?.field === 'employeeId'
}

export interface MappingProblem {
  column: string
  message: string
}

/**
 * Reads a mapping override given as an option or setting. Unknown field names are reported, not
 * guessed at; the valid part of the mapping still applies.
 */
export function readColumnMapping(value: unknown): { mapping: ColumnMapping; problems: MappingProblem[] } {
  if (value === undefined || value === null) return { mapping: {}, problems: [] }
  if (!isPlainObject(value)) {
    return { mapping: {}, problems: [{ column: '', message: `the column mapping must be an object of "<column>": "<field>", got ${describe(value)}` }] }
  }
  const mapping: ColumnMapping = {}
  const problems: MappingProblem[] = []
  for (const [column, field] of Object.entries(value)) {
    const parsed = workerFieldSchema.safeParse(field)
    if (parsed.success && column.trim() !== '') mapping[column] = parsed.data
    else if (column.trim() === '') problems.push({ column, message: 'the column mapping has an empty column name' })
    else
      problems.push({
        column,
        message: `the column mapping maps "${column}" to ${describe(field)}, which is not a worker field; allowed: ${workerFields.join(', ')}`,
      })
  }
  return { mapping, problems }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : Array.isArray(value) ? 'an array' : String(value === null ? 'null' : typeof value)
}
