import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadFebrl } from './datasets.ts'
import { evaluateDataset } from './evaluate-dataset.ts'

const root = fileURLToPath(new URL('../../../shared/datasets/entity-resolution', import.meta.url))

describe('FEBRL1 end to end', () => {
  it('deduplicates 1,000 records unsupervised with pairwise F1 ≥ 0.95', async () => {
    const dataset = await loadFebrl(root, 1)
    const result = evaluateDataset(dataset)
    expect(result.metrics.records).toBe(1000)
    expect(result.metrics.trueEntities).toBe(500)
    expect(result.metrics.pairwise.f1).toBeGreaterThanOrEqual(0.95)
    // Blocking stays near-linear: a few candidate pairs per record, not half a million.
    expect(result.candidatePairs).toBeLessThan(5000)
  })
})
