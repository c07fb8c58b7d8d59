/**
 * What `npm run bench` is asked to do, parsed from its flags: sizes in source records, runs per size,
 * the databases to run on and where the report goes. `--quick` is CI's proof that the command works:
 * one run of 10k, figures written but not judged.
 */
import { parseArgs } from 'node:util'
import { CgError } from '../errors.ts'

export type BenchTargetName = 'server' | 'embedded'

export interface BenchOptions {
  /** Wanted source records per size (the generator lands close to it, not exactly). */
  sizes: number[]
  /** Runs per size; each on a fresh database. */
  runsFor: (records: number) => number
  targets: BenchTargetName[]
  /** Where BENCHMARKS.md goes; undefined: stdout. */
  output: string | undefined
  quick: boolean
  seed: number
  /** Lookup queries sampled per class. */
  queriesPerClass: number
}

const SIZE = /^(\d+(?:\.\d+)?)([km]?)$/i

export function parseSize(text: string): number {
  const match = SIZE.exec(text.trim())
  if (!match) throw new CgError('E_USAGE', `--sizes: "${text}" is not a size; expected e.g. 10k, 100k, 1m`, { location: { parameter: '--sizes' } })
  const scale = { '': 1, k: 1_000, m: 1_000_000 }[match[2]!.toLowerCase() as '' | 'k' | 'm']
  const records = Math.round(Number(match[1]) * scale)
  if (records < 1_000) throw new CgError('E_USAGE', `--sizes: ${text} is below 1k records, the smallest company the generator writes`, { location: { parameter: '--sizes' } })
  return records
}

export function formatSize(records: number): string {
  return records >= 1_000_000 ? `${records / 1_000_000}M` : `${Math.round(records / 1_000)}k`
}

/** `hasServer`: DATABASE_URL is set, so the server target is possible (and the default). */
export function parseBenchOptions(argv: string[], hasServer: boolean): BenchOptions {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        sizes: { type: 'string' },
        runs: { type: 'string' },
        targets: { type: 'string' },
        output: { type: 'string' },
        quick: { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        queries: { type: 'string' },
      },
    }))
  } catch (error) {
    throw new CgError('E_USAGE', `${(error as Error).message}; flags: --sizes 10k,100k,1m --runs N[,N…] --targets server,embedded --output FILE --quick`)
  }
  const quick = values.quick
  const sizes = quick ? [10_000] : (values.sizes ?? '10k,100k').split(',').map(parseSize)
  // One count for every size, or one per size in the order of --sizes.
  const runs = quick ? [1] : values.runs?.split(',').map((text) => positive(text, '--runs'))
  if (runs && runs.length !== 1 && runs.length !== sizes.length) {
    throw new CgError('E_USAGE', `--runs: ${runs.length} counts for ${sizes.length} sizes; give one count, or one per size (--runs 3,1)`, { location: { parameter: '--runs' } })
  }
  const targets = (values.targets?.split(',') ?? (hasServer ? ['server', 'embedded'] : ['embedded'])).map((name) => {
    if (name !== 'server' && name !== 'embedded') throw new CgError('E_USAGE', `--targets: "${name}" is not a target; expected server, embedded`, { location: { parameter: '--targets' } })
    return name
  })
  if (targets.includes('server') && !hasServer) {
    throw new CgError('E_USAGE', '--targets server needs DATABASE_URL (a role that may create databases: each run creates bench_<random> and drops it)', { location: { parameter: 'DATABASE_URL' } })
  }
  return {
    sizes,
    runsFor: (records) => (runs ? runs[runs.length === 1 ? 0 : sizes.indexOf(records)]! : records > 100_000 ? 1 : 3),
    targets,
    output: values.output,
    quick,
    seed: positive(values.seed, '--seed'),
    // A quick run proves the lookups run; fewer of them keep CI's step short.
    queriesPerClass: positive(values.queries ?? (quick ? '30' : '100'), '--queries'),
  }
}

function positive(text: string, parameter: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new CgError('E_USAGE', `${parameter}: expected a whole number of at least 1, got "${text}"`, { location: { parameter } })
  return value
}
