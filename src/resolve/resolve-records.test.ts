import { describe, expect, it } from 'vitest'
import type { Person, SourceRef } from '../schema/canonical.ts'
import { EMPTY_CONTEXT } from './organization-context.ts'
import { createPersonStrategy } from './person-strategy.ts'
import { personKeys } from './person-keys.ts'
import { resolveRecords, type RecordInput, type ResolvedRecords } from './resolve-records.ts'

const strategy = createPersonStrategy(EMPTY_CONTEXT)
/** The same strategy scoring every pair of every block, however common: what skipping futile blocks and hopeless pairs must equal. */
const comparingAll = { ...strategy, canLink: () => true, mayLink: () => true }

function contact(id: number, person: Partial<Person> & Pick<Person, 'name'>): RecordInput<Person> {
  const ref: SourceRef = { system: 'salesforce', objectType: 'Contact', sourceId: `003${String(id).padStart(15, '0')}` }
  const data: Person = { kind: 'person', emails: [], phones: [], internal: null, externalIds: [], ...person }
  return { id, ref, data, keys: personKeys(ref, data) }
}

/** Clusters as sorted record ids, and refusals as who/why: comparable across runs. */
const outcome = (result: ResolvedRecords) => ({
  clusters: result.clusters.map((cluster) => cluster.map((member) => member.recordId).sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!),
  refusals: result.refusals.map((refusal) => `${refusal.recordId}-${refusal.otherRecordId}:${refusal.reason}`).sort(),
})

describe('scored linking in name blocks', () => {
  it('still refuses a merge that only a too-common block shows to be wrong', () => {
    const inputs = [
      contact(1, { name: { given: 'Bill', family: 'Smith' }, organizationName: 'Acme' }),
      contact(2, { name: { given: 'William', family: 'Smith' }, organizationName: 'Beta', emails: [{ address: 'will@beta.com', type: 'work' }] }),
      contact(3, { name: { given: 'Bill', family: 'Smith' }, organizationName: 'Acme', emails: [{ address: 'will@beta.com', type: 'work' }] }),
      // 200 more people in smith|w: too common a block for any pair in it to link.
      ...Array.from({ length: 200 }, (_, i) =>
        contact(10 + i, { name: { given: `Wal${i}`, family: 'Smith' }, organizationName: `Org ${i}`, emails: [{ address: `w${i}@org${i}.com`, type: 'work' }] }),
      ),
    ]
    const result = resolveRecords(strategy, inputs)
    expect(outcome(result)).toEqual(outcome(resolveRecords(comparingAll, inputs)))
    expect(result.refusals).toContainEqual(expect.objectContaining({ recordId: 1, reason: 'conflict' }))
  })

  it('gives the outcome of comparing every block, on random crowds of namesakes', () => {
    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!
    for (let round = 0; round < 20; round++) {
      const inputs = Array.from({ length: 150 + Math.floor(random() * 150) }, (_, i) =>
        contact(i + 1, {
          name: { given: pick(['Bill', 'William', 'Will', 'Walt', 'Wendy', 'Liam', 'Billy']), family: pick(['Smith', 'Smyth']) },
          organizationName: pick(['Acme', 'Beta', 'Gamma', 'Delta']),
          emails: random() < 0.4 ? [{ address: `p${Math.floor(random() * 40)}@${pick(['acme.com', 'beta.io', 'mail.com'])}`, type: 'work' as const }] : [],
          internal: random() < 0.2 ? true : null,
        }),
      )
      expect(outcome(resolveRecords(strategy, inputs))).toEqual(outcome(resolveRecords(comparingAll, inputs)))
    }
  })
})
