import type { Rng } from './random.ts'
import type { SalesforceIdAllocator } from './ids.ts'
import type { EmployeeDirectory } from './model-employees.ts'
import type { GroundTruthWriter } from './ground-truth.ts'

/** What every writer shares during one run; created by generateCompany, never global. */
export interface GenerationContext {
  readonly rng: Rng
  readonly ids: SalesforceIdAllocator
  readonly directory: EmployeeDirectory
  readonly truth: GroundTruthWriter
  /** Records written per "system/object" key, for the report. */
  readonly counts: Map<string, number>
  /** Total people, used to size message and meeting volumes. */
  readonly people: number
}

export function countRecord(context: GenerationContext, key: string, amount = 1): void {
  context.counts.set(key, (context.counts.get(key) ?? 0) + amount)
}
