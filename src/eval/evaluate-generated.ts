/**
 * Measures the whole multi-source pipeline on a generated company: `generate` writes the four
 * systems' exports and their ground truth, the real importers land them in an in-memory embedded
 * database, one resolution pass resolves them, and the exported partition is scored against the
 * truth — people and organisations separately; the organisations the importer infers from email
 * domains and Slack Connect teams are scored too (see inferred-truth.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportConnectors } from '../connectors/registry.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { openDatabase } from '../db/open-database.ts'
import { openExportSource } from '../formats/export-source.ts'
import { generateCompany } from '../generate/generate-company.ts'
import { createLogger } from '../logger.ts'
import { runImport } from '../pipeline/run-import.ts'
import { exportIdentities } from '../resolve/export-identities.ts'
import { runResolution, type KindReport } from '../resolve/run-resolution.ts'
import type { ResolvedKind, BuiltInSystem } from '../schema/database.ts'
import { inferredOrganizationTruth, parseOrganizationKeys } from './inferred-truth.ts'
import { evaluatePartition, type PartitionMetrics } from './metrics.ts'

export interface GeneratedResult {
  name: string
  people: number
  seed: number
  records: number
  person: { metrics: PartitionMetrics; report: KindReport }
  organization: { metrics: PartitionMetrics; report: KindReport }
  /** Seconds of the resolution pass alone (imports excluded). */
  resolutionSeconds: number
}

const EXPORTS: readonly [BuiltInSystem, string][] = [
  ['workday', 'workday'],
  ['google', 'google'],
  ['salesforce', 'salesforce'],
  ['slack', 'slack-export.zip'],
]

export async function evaluateGenerated(people: number, seed: number): Promise<GeneratedResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cg-eval-'))
  const database = await openDatabase({ mode: 'memory' })
  try {
    await generateCompany({ dir, people, seed })
    await migrateToLatest(database.db)
    const deps = { db: database.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
    let records = 0
    for (const [system, folder] of EXPORTS) {
      const path = join(dir, folder)
      const report = await runImport(deps, { connector: exportConnectors[system], path, openSource: () => openExportSource(path) })
      records += report.records.new
    }
    const started = performance.now()
    const resolution = await runResolution(deps)
    const resolutionSeconds = (performance.now() - started) / 1000
    const score = async (kind: ResolvedKind, truthFile: string) => {
      const predicted = new Map<string, string>()
      let csv = ''
      for await (const chunk of exportIdentities(database.db, [kind])) csv += chunk
      for (const row of csv.trim().split('\n').slice(1)) {
        const [entity, , system, objectType, ...sourceId] = row.split(',')
        predicted.set(`${system}|${objectType}|${sourceId.join(',')}`, entity!)
      }
      const truth = await readTruth(join(dir, 'ground-truth', truthFile))
      if (kind === 'organization') {
        const keys = parseOrganizationKeys(await readFile(join(dir, 'ground-truth', 'organization-keys.csv'), 'utf8'))
        for (const [record, entity] of inferredOrganizationTruth(predicted.keys(), keys)) truth.set(record, entity)
      }
      return evaluatePartition(truth, predicted)
    }
    return {
      name: `generated, ${people.toLocaleString('en-US')} people`,
      people,
      seed,
      records,
      person: { metrics: await score('person', 'people.csv'), report: resolution.person },
      organization: { metrics: await score('organization', 'organizations.csv'), report: resolution.organization },
      resolutionSeconds,
    }
  } finally {
    await database.close()
    await rm(dir, { recursive: true, force: true })
  }
}

async function readTruth(file: string): Promise<Map<string, string>> {
  const lines = (await readFile(file, 'utf8')).trim().split('\n').slice(1)
  return new Map(
    lines.map((line) => {
      const [entity, system, objectType, ...sourceId] = line.split(',')
      return [`${system}|${objectType}|${sourceId.join(',')}`, entity!]
    }),
  )
}

/** The generated-company results as a markdown table, one row per entity kind. */
export function generatedTable(results: readonly GeneratedResult[]): string {
  const header = ['dataset', 'kind', 'records', 'true entities', 'predicted entities', 'largest cluster', 'pairwise P', 'pairwise R', 'pairwise F1', 'B³ F1', 'linked by', 'merges refused']
  const rows = results.flatMap((result) =>
    (['person', 'organization'] as const).map((kind) => {
      const { metrics, report } = result[kind]
      const rules = Object.entries(report.rules)
        .filter(([rule]) => rule !== 'seed')
        .sort((a, b) => b[1] - a[1])
        .map(([rule, count]) => `${rule} ${count}`)
        .join(', ')
      const refusals = Object.entries(report.refusals)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ')
      return [
        `${result.name} (seed ${result.seed})`,
        kind,
        String(metrics.records),
        String(metrics.trueEntities),
        String(metrics.predictedEntities),
        `${metrics.largestPredictedCluster} (${metrics.largestTrueCluster})`,
        metrics.pairwise.precision.toFixed(4),
        metrics.pairwise.recall.toFixed(4),
        metrics.pairwise.f1.toFixed(4),
        metrics.bcubed.f1.toFixed(4),
        rules || '–',
        refusals || '–',
      ]
    }),
  )
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map((_, i) => (i < 2 ? '---' : '---:'))), ...rows.map(line)].join('\n')
}
