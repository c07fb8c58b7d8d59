import { join } from 'node:path'
import { csvLine } from './csv-format.ts'
import { openTextSink, type TextSink } from './text-sink.ts'

export type SystemName = 'salesforce' | 'slack' | 'workday' | 'google'

/**
 * ground-truth/people.csv and organizations.csv: which real entity every generated source record
 * belongs to, keyed by the same (system, object_type, source_id) triples the importers land.
 */
export interface GroundTruthWriter {
  person(entityId: string, system: SystemName, objectType: string, sourceId: string): void
  organization(entityId: string, system: SystemName, objectType: string, sourceId: string): void
  readonly sinks: readonly TextSink[]
  readonly rows: { people: number; organizations: number }
}

const HEADER = 'entity_id,system,object_type,source_id\n'

export function openGroundTruth(dir: string): GroundTruthWriter {
  const people = openTextSink(join(dir, 'people.csv'))
  const organizations = openTextSink(join(dir, 'organizations.csv'))
  people.write(HEADER)
  organizations.write(HEADER)
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
    sinks: [people, organizations],
    rows,
  }
}
