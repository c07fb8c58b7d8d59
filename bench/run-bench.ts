/**
 * `npm run bench`: imports generated companies of 10k, 100k (and 1M) source records on the server and
 * the embedded database, and writes BENCHMARKS.md (see src/bench/write-report.ts for what it holds).
 *
 *   DATABASE_URL=postgres://… npm run bench -- [--sizes 10k,100k,1m] [--runs N or 3,1 per size] [--targets server,embedded]
 *                                              [--output BENCHMARKS.md] [--quick] [--seed 1] [--queries 100]
 *
 * Progress goes to stderr; the report to --output, else stdout.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createBenchDatabase } from '../src/bench/bench-database.ts'
import { formatSize, parseBenchOptions, type BenchOptions } from '../src/bench/bench-options.ts'
import { writeChangedSalesforce } from '../src/bench/change-one-percent.ts'
import { describeMachine } from '../src/bench/describe-machine.ts'
import { measureRun, type MeasureRunDeps, type RunFigures } from '../src/bench/measure-run.ts'
import { assertGnuTime } from '../src/bench/run-cli-child.ts'
import { summarizeRuns, type Summary } from '../src/bench/summarize-runs.ts'
import { writeReport } from '../src/bench/write-report.ts'
import { isCgError } from '../src/errors.ts'
import { generateCompany } from '../src/generate/generate-company.ts'
import { MIN_PEOPLE } from '../src/generate/limits.ts'
import { createLogger } from '../src/logger.ts'

/** Source records the generator writes per person (measured: 10,741 records for 2,000 people). */
const RECORDS_PER_PERSON = 5.37

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

async function main(): Promise<number> {
  const serverUrl = process.env.DATABASE_URL || undefined
  const options = parseBenchOptions(process.argv.slice(2), serverUrl !== undefined)
  assertGnuTime()
  const started = performance.now()
  const scratchDir = await mkdtemp(join(tmpdir(), 'customer-graph-bench-'))
  const say = (text: string) => process.stderr.write(`bench: ${text}\n`)
  const deps: MeasureRunDeps = {
    cli: { cliPath: join(root, 'bin', 'customer-graph.js'), nodeDir: dirname(process.execPath), scratchDir, env: process.env },
    logger: createLogger('silent'),
    note: (text) => say(`  ${text}`),
  }
  const machine = describeMachine()
  try {
    const summaries: Summary[] = []
    for (const size of options.sizes) summaries.push(...(await benchSize(deps, options, size, serverUrl, machine.postgres)))
    const previous = options.output && existsSync(options.output) ? await readFile(options.output, 'utf8') : undefined
    const report = writeReport({ machine, date: new Date(), options, summaries, durationMs: performance.now() - started, previous })
    if (options.output) {
      await writeFile(options.output, report)
      say(`wrote ${options.output} in ${((performance.now() - started) / 60_000).toFixed(1)} minutes`)
    } else {
      process.stdout.write(report)
    }
    return 0
  } finally {
    await rm(scratchDir, { recursive: true, force: true })
  }
}

async function benchSize(deps: MeasureRunDeps, options: BenchOptions, size: number, serverUrl: string | undefined, versions: Record<string, string>): Promise<Summary[]> {
  const companyDir = join(deps.cli.scratchDir, `company-${formatSize(size)}`)
  const people = Math.max(MIN_PEOPLE, Math.round(size / RECORDS_PER_PERSON))
  process.stderr.write(`bench: ${formatSize(size)}: generating ${people.toLocaleString('en-US')} people\n`)
  const company = await generateCompany({ dir: companyDir, people, seed: options.seed })
  const records = Object.values(company.records).reduce((sum, count) => sum + count, 0)
  const edit = { contacts: company.records['salesforce/Contact'] ?? 0, wanted: Math.round(records / 100) }
  const changed = {
    title: await writeChangedSalesforce(companyDir, { ...edit, change: 'title' }),
    email: await writeChangedSalesforce(companyDir, { ...edit, change: 'email' }),
  }
  try {
    const summaries: Summary[] = []
    for (const target of options.targets) {
      const runs: RunFigures[] = []
      for (let run = 1; run <= options.runsFor(size); run++) {
        process.stderr.write(`bench: ${formatSize(size)} ${target}, run ${run} of ${options.runsFor(size)}\n`)
        const database = await createBenchDatabase(target, { serverUrl, scratchDir: deps.cli.scratchDir })
        try {
          runs.push(await measureRun(deps, database, { companyDir, changed, queriesPerClass: options.queriesPerClass }))
        } finally {
          await database.drop()
        }
      }
      versions[target] = runs[0]!.postgresVersion
      summaries.push(summarizeRuns(target, size, runs))
    }
    return summaries
  } finally {
    await rm(companyDir, { recursive: true, force: true })
  }
}

try {
  process.exitCode = await main()
} catch (error) {
  if (!isCgError(error)) throw error
  process.stderr.write(`bench: ${error.code} ${error.message}\n`)
  process.exitCode = error.code === 'E_USAGE' ? 2 : 1
}
