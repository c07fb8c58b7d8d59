import { describe, expect, it } from 'vitest'
import { countPatterns } from './comparison-vectors.ts'
import { createRandom } from './random.ts'
import { DEFAULT_TRAINING_OPTIONS, runEm } from './training.ts'

/** Draws a level (1-based) from probabilities indexed like comparison levels (index 0 unused). */
function draw(probabilities: readonly number[], random: () => number): number {
  let point = random()
  for (let level = 1; level < probabilities.length; level++) {
    point -= probabilities[level] ?? 0
    if (point < 0) return level
  }
  return probabilities.length - 1
}

describe('runEm', () => {
  it('recovers m, u and the match share from unlabelled synthetic comparison vectors', () => {
    const trueM = [
      [1, 0.85, 0.1, 0.05],
      [1, 0.7, 0.2, 0.1],
      [1, 0.9, 0.05, 0.05],
      [1, 0.6, 0.3, 0.1],
    ]
    const trueU = [
      [1, 0.02, 0.08, 0.9],
      [1, 0.1, 0.2, 0.7],
      [1, 0.01, 0.04, 0.95],
      [1, 0.05, 0.15, 0.8],
    ]
    const matchShare = 0.2
    const count = 30_000
    const width = trueM.length
    const random = createRandom(7)
    const levels = new Uint8Array(count * width)
    for (let p = 0; p < count; p++) {
      const match = random() < matchShare
      for (let c = 0; c < width; c++) {
        // A tenth of values are missing, which EM must ignore rather than count as disagreement.
        levels[p * width + c] = random() < 0.1 ? 0 : draw((match ? trueM : trueU)[c] ?? [], random)
      }
    }
    const patterns = countPatterns({ width, count, levels })
    const flatU = trueU.map((row) => row.map(() => 1 / 3))
    const result = runEm(patterns, [4, 4, 4, 4], flatU, DEFAULT_TRAINING_OPTIONS)

    expect(result.converged).toBe(true)
    expect(result.matchShare).toBeCloseTo(matchShare, 1)
    for (let c = 0; c < width; c++) {
      for (let level = 1; level < 4; level++) {
        expect(Math.abs((result.m[c]?.[level] ?? 0) - (trueM[c]?.[level] ?? 0))).toBeLessThan(0.03)
        expect(Math.abs((result.candidateU[c]?.[level] ?? 0) - (trueU[c]?.[level] ?? 0))).toBeLessThan(0.03)
      }
    }
  })
})
