import { join } from 'node:path'
import { csvLine } from './csv-format.ts'
import { openTextSink, type TextSink } from './text-sink.ts'

export type SystemName = 'salesforce' | 'slack' | 'workday' | 'google'

/**
 * ground-truth/people.csv and organizations.csv: which real entity every generated source record
 * belongs to, keyed by the same (system, object_type, source_id) triples the importers land.
 *
 * ground-truth/organization-keys.csv (`entity_id,kind,value`): whose every email domain and Slack
 * Connect team is (`domain`, `slack_team`), our own company's domain included (entity O0000000).
 * Organisation records the importer infers from them (`google:email_domain:acme.com`,
 * `slack:team:T…`) exist only where the pipeline finds the domain or team in use, which is the
 * pipeline's business, not the generator's: an evaluation gives each inferred record it finds the
 * entity its domain or team belongs to here (see src/eval/inferred-truth.ts).
 */
export interface GroundTruthWriter {
  person(entityId: string, system: SystemName, objectType: string, sourceId: string): void
  organization(entityId: string, system: SystemName, objectType: string, sourceId: string): void
  organizationKey(entityId: string, kind: 'domain' | 'slack_team', value: string): void
  readonly sinks: readonly TextSink[]
  readonly rows: { people: number; organizations: number }
}

const HEADER = 'entity_id,system,object_type,source_id\n'
const KEYS_HEADER = 'entity_id,kind,value\n'

export function openGroundTruth(dir: string): GroundTruthWriter {
  const people = openTextSink(join(dir, 'people.csv'))
  const organizations = openTextSink(join(dir, 'organizations.csv'))
  const organizationKeys = openTextSink(join(dir, 'organization-keys.csv'))
  people.write(HEADER)
  organizations.write(HEADER)
  organizationKeys.write(KEYS_HEADER)
  const rows = { people: 0, organizations: 0 }
  return {
    person(entityId, system, objectType, sourceId) {
      people.write(csvLine([entityId, system, objectType, sourceId]))
      rows.people++
    },
    organization(entityId, system, objectType, sourceId) {
      organizations.write(csvLine([entityId, system, objectType, sourceId]))
      rows.organizations++
    },
    organizationKey(entityId, kind, value) {
      organizationKeys.write(csvLine([entityId, kind, value]))
    },
    sinks: [people, organizations, organizationKeys],
    rows,
  }
}
