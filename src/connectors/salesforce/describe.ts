import { z } from 'zod'
import type { FieldInfo } from './api-record.ts'
import { SalesforcePayloadError } from './errors.ts'

/** What the sync reads of an object's describe. */
export interface ObjectDescription {
  name: string
  /** The fields selected, in describe order: every stored field (see `selectable`). */
  fields: FieldInfo[]
  /** Objects without IsDeleted (User) cannot be deleted, so they have no delete log to read. */
  deletable: boolean
  /** getDeleted works only on replicateable objects. */
  replicateable: boolean
}

const describeSchema = z.looseObject({
  name: z.string(),
  replicateable: z.boolean().optional(),
  fields: z.array(
    z.looseObject({
      name: z.string(),
      type: z.string(),
      calculated: z.boolean().optional(),
      deprecatedAndHidden: z.boolean().optional(),
    }),
  ),
})

/**
 * Compound fields (address, location) repeat their parts and Bulk API 2.0 refuses them; formula
 * fields (calculated) change without SystemModstamp moving and the Data Export leaves them out. What
 * remains is what an export of the object holds, so both paths land the same payload.
 */
const unselectableTypes = new Set(['address', 'location', 'base64', 'complexvalue'])

function selectable(field: { type: string; calculated?: boolean | undefined; deprecatedAndHidden?: boolean | undefined }): boolean {
  return !unselectableTypes.has(field.type) && field.calculated !== true && field.deprecatedAndHidden !== true
}

export function readDescription(body: unknown, objectType: string): ObjectDescription {
  const parsed = describeSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new SalesforcePayloadError(`describe of ${objectType} is not an sObject description (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`)
  }
  const fields = parsed.data.fields.filter(selectable).map((field) => ({ name: field.name, type: field.type }))
  for (const required of ['Id', 'SystemModstamp']) {
    if (!fields.some((field) => field.name === required)) {
      throw new SalesforcePayloadError(`${objectType} has no ${required} field the integration user can read; the sync pages every object by SystemModstamp and Id`)
    }
  }
  return {
    name: parsed.data.name,
    fields,
    deletable: fields.some((field) => field.name === 'IsDeleted'),
    replicateable: parsed.data.replicateable !== false,
  }
}
