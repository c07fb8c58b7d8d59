/**
 * Which records' edges a resolution pass must rebuild because of how it resolved one batch (see
 * build-graph.ts, which reads them from resolve_touched).
 */
import type { EntityToWrite } from './store/write-entities.ts'

/**
 * The records of a batch whose edges may change with this pass (resolve_touched): every member of an
 * entity that is new, gained or lost a record, or has a queued record (whose name or side may have
 * changed the entity's), and every record left without an entity. The members of an entity that came
 * out as it was keep their edges: a 1% change at a million records re-resolves most records without
 * moving them. `entityOf`: each record's entity before the pass; `seeds`: the scope's seeds (queued
 * records whose identity changed, and their dependents). Pure.
 */
export function touchedRecords(batchIds: readonly number[], entityOf: ReadonlyMap<number, string>, entities: readonly EntityToWrite[], seeds: ReadonlySet<number>): number[] {
  const before = new Map<string, number>()
  for (const id of batchIds) {
    const entity = entityOf.get(id)
    if (entity !== undefined) before.set(entity, (before.get(entity) ?? 0) + 1)
  }
  const touched: number[] = []
  const placed = new Set<number>()
  for (const entity of entities) {
    const same = !entity.created && before.get(entity.id) === entity.members.length
      && entity.members.every((member) => entityOf.get(member.recordId) === entity.id && !seeds.has(member.recordId))
    for (const member of entity.members) {
      placed.add(member.recordId)
      if (!same) touched.push(member.recordId)
    }
  }
  for (const id of batchIds) if (!placed.has(id) && entityOf.has(id)) touched.push(id)
  return touched
}
