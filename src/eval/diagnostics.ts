import { explainPair, formatEvidence, pairAt, type ScoredPair } from '../resolve/match/index.ts'
import type { Dataset } from './datasets.ts'
import type { DatasetResult } from './evaluate-dataset.ts'

/** The trained model as text: every comparison level with m, u and its weight. */
export function describeModel(result: DatasetResult): string {
  const { model, scorer } = result.run
  const { training } = model
  const lines = [
    `prior λ=${model.prior.toExponential(3)} (weight ${scorer.priorWeight.toFixed(2)}), ` +
      `EM ${training.iterations} iterations${training.converged ? '' : ' (not converged)'}, ` +
      `candidate match share ${training.candidateMatchShare.toFixed(4)}, ${training.patterns} patterns`,
  ]
  model.comparisons.forEach((comparison, c) => {
    const levels = comparison.levels
      .map((level, l) => {
        if (l === 0) return ''
        const m = (comparison.m[l] ?? 0).toFixed(3)
        const u = (comparison.u[l] ?? 0).toExponential(1)
        return `${level} m=${m} u=${u} w=${(scorer.weights[c]?.[l] ?? 0).toFixed(1)}`
      })
      .filter((text) => text !== '')
    lines.push(`  ${comparison.field}: ${levels.join('; ')}`)
  })
  if (result.clusters !== undefined) {
    const { clusters } = result
    lines.push(
      `  clusters ${clusters.clusters} (largest ${clusters.largest}, ${clusters.singletons} singletons), ` +
        `${clusters.edgesAboveThreshold} links above threshold, ` +
        `merges refused: ${clusters.refusedForConflict} for conflict, ${clusters.refusedForSize} for size`,
    )
  }
  for (const rule of result.run.blocking.rules) {
    if (rule.pairs === 0) continue
    lines.push(
      `  block ${rule.rule}: ${rule.blocks} blocks, ${rule.pairs} pairs (${rule.newPairs} new), ` +
        `oversized ${rule.oversizedBlocks} (${rule.oversizedRecords} records)`,
    )
  }
  return lines.join('\n')
}

/**
 * The highest-scoring wrong links and lowest-scoring missed ones among the candidates, with their
 * evidence: what to look at when a figure falls short.
 */
export function describeErrors(dataset: Dataset, result: DatasetResult, limit = 8): string {
  const { records } = result.run
  const sameEntity = (pair: ScoredPair): boolean => {
    const a = records[pair.a]?.id ?? ''
    const b = records[pair.b]?.id ?? ''
    return dataset.truth.get(a) === dataset.truth.get(b)
  }
  const together = (pair: ScoredPair): boolean => result.predicted.get(records[pair.a]?.id ?? '') === result.predicted.get(records[pair.b]?.id ?? '')
  const all = Array.from({ length: result.run.pairs.count }, (_, p) => pairAt(result.run.pairs, p))
  const wrong = all.filter((pair) => together(pair) && !sameEntity(pair)).sort((x, y) => y.weight - x.weight)
  const missed = all.filter((pair) => !together(pair) && sameEntity(pair)).sort((x, y) => y.weight - x.weight)
  const show = (pair: ScoredPair): string =>
    `    ${records[pair.a]?.id} ~ ${records[pair.b]?.id} w=${pair.weight.toFixed(1)}: ${formatEvidence(explainPair(result.run, pair))}`
  const candidate = new Set(all.map((pair) => `${records[pair.a]?.id}\u0000${records[pair.b]?.id}`))
  const byEntity = new Map<string, string[]>()
  for (const [id, entity] of dataset.truth) byEntity.set(entity, [...(byEntity.get(entity) ?? []), id])
  const unblocked: string[] = []
  let truePairs = 0
  const recordById = new Map(records.map((record) => [record.id, record]))
  for (const ids of byEntity.values()) {
    for (let x = 0; x < ids.length; x++) {
      for (let y = x + 1; y < ids.length; y++) {
        const [a = '', b = ''] = [ids[x], ids[y]].sort((p, q) => (recordById.get(p ?? '')?.index ?? 0) - (recordById.get(q ?? '')?.index ?? 0))
        if (dataset.task === 'link' && a.slice(0, 2) === b.slice(0, 2)) continue
        truePairs++
        if (!candidate.has(`${a}\u0000${b}`)) unblocked.push(`${a} ~ ${b}`)
      }
    }
  }
  return [
    `  blocking recall: ${truePairs - unblocked.length}/${truePairs} true pairs are candidates; e.g. missing ${unblocked.slice(0, limit).join(', ')}`,
    `  wrongly together (candidate pairs): ${wrong.length}`,
    ...wrong.slice(0, limit).map(show),
    `  missed (candidate pairs): ${missed.length}`,
    ...missed.slice(0, limit).map(show),
  ].join('\n')
}
