/**
 * BENCHMARKS.md from the summaries: the machine, how it was measured, one table per target, the
 * lookup latencies, the issue's targets with whether each is met, and the hand-written section
 * "What remains and why", carried over from the previous report so that a new run keeps it.
 */
import type { MachineDescription } from './describe-machine.ts'
import { formatSize, type BenchOptions } from './bench-options.ts'
import type { Summary } from './summarize-runs.ts'

export const REMAINS_HEADING = '## What remains and why'

export interface ReportInput {
  machine: MachineDescription
  date: Date
  options: Pick<BenchOptions, 'quick' | 'seed' | 'queriesPerClass'>
  summaries: Summary[]
  durationMs: number
  /** The previous report's text, whose "What remains and why" section is kept. */
  previous: string | undefined
}

const TARGET_SIZE = 1_000_000

export function writeReport(input: ReportInput): string {
  const { machine, summaries } = input
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\`${input.options.quick ? ' --quick (CI: one run of 10k; the figures are not judged)' : ''} on ${input.date.toISOString().slice(0, 10)} in ${minutes(input.durationMs)}.`,
    '',
    '| machine | |',
    '| --- | --- |',
    `| CPU | ${machine.cpu}, ${machine.cores} cores (shared with other jobs: absolute times vary, ratios within a run hold) |`,
    `| memory | ${machine.memoryGb} GB |`,
    `| Node | ${machine.node} |`,
    ...Object.entries(machine.postgres).map(([target, version]) => `| PostgreSQL (${target}) | ${version} |`),
    '',
    '## How it is measured',
    '',
    `A company is generated once per size (\`customer-graph generate --seed ${input.options.seed}\`, about 5.4 source records per person) and every run imports it into a fresh database (server: \`bench_<random>\`, dropped afterwards; embedded: a temporary data folder). Every command is the CLI as a user runs it, a child process under GNU time, so a peak RSS is the importing process's own.`,
    '',
    '- **Import end to end**: `import <system> --no-resolve` for workday, google, salesforce and slack, then one `resolve` (parse → land → normalise → resolve → graph), as the README advises for large exports. Records/s counts the source records the imports read over the wall time of the five processes (Node start included).',
    '- **COPY baseline**: in the same database after the import, `create table copy_baseline (like source_records including all)` (same indexes and constraints) and a COPY of the landed rows into it: `psql \\copy` from a file on the server (psql\'s own timing), `COPY … FROM \'/dev/blob\'` in PGlite. Only the COPY in is timed.',
    '- **Re-import**: the same four exports again, then `resolve`; rows written = new + changed + deleted records + records queued for resolution.',
    '- **Incremental 1%**: the Salesforce export again with 1% of the company\'s record count as edited contacts, then `resolve`: first a new title and modstamp (nothing resolution reads: only the records\' edges are rebuilt), then a new email address for the same contacts (each is resolved again with every record it may link to). Scope = records the pass looked at.',
    '- **Resolution alone**: `resolve --rekey`, every record keyed and resolved again.',
    `- **Lookup**: \`lookupCustomer\` for ${input.options.queriesPerClass} sampled queries per class (src/bench/lookup-latency.ts) after 20 warm-up calls; server: a pool with 4 concurrent callers; embedded: one caller (PGlite runs one query at a time).`,
    '',
    'Figures are medians over the runs; peak RSS and rows written are the largest seen.',
    '',
  ]
  for (const target of ['server', 'embedded'] as const) {
    const rows = summaries.filter((summary) => summary.target === target)
    if (rows.length === 0) continue
    lines.push(`## ${target === 'server' ? 'PostgreSQL server' : 'Embedded (PGlite)'}`, '')
    lines.push(`| | ${rows.map(sizeLabel).join(' | ')} |`, `| --- |${rows.map(() => ' ---: |').join('')}`)
    const row = (label: string, value: (summary: Summary) => string) => lines.push(`| ${label} | ${rows.map(value).join(' | ')} |`)
    row('source records read (rows landed)', (s) => `${int(s.records)} (${int(s.landedRows)})`)
    row('import end to end: wall time', (s) => `${sec(s.importSeconds)}`)
    row('import end to end: records/s', (s) => int(s.importPerSecond))
    row('of which landing (4 imports): records/s', (s) => int(s.landPerSecond))
    row('of which resolve: time', (s) => sec(s.resolveSeconds))
    row('COPY baseline: rows/s', (s) => int(s.copyPerSecond))
    row('**ratio import ÷ COPY** (landing alone ÷ COPY)', (s) => `**${ratio(s.importToCopy)}** (${ratio(s.landToCopy)})`)
    row('peak RSS: import processes (resolve)', (s) => `${int(s.landPeakRssMb)} MB (${int(s.resolvePeakRssMb)} MB)`)
    row('re-import unchanged (recognised, not read): time, rows written', (s) => `${sec(s.reimportSeconds)}, ${int(s.reimportRowsWritten)}`)
    row('**ratio first import ÷ re-import**', (s) => `**${ratio(s.reimportSpeedup)}×**`)
    row('re-read unchanged (`--reread`, every record compared): time, rows written', (s) => `${sec(s.rereadSeconds)}, ${int(s.rereadRowsWritten)}`)
    row('ratio first import ÷ re-read', (s) => `${ratio(s.rereadSpeedup)}×`)
    row('incremental 1%, new titles: changed records, time (of which resolve), scope', (s) => `${int(s.incrementalChanged)}, ${sec(s.incrementalSeconds)} (${sec(s.incrementalResolveSeconds)}), ${int(s.incrementalScope)}`)
    row('incremental 1%, new emails: time (of which resolve), scope', (s) => `${sec(s.incrementalIdentitySeconds)} (${sec(s.incrementalIdentityResolveSeconds)}), ${int(s.incrementalIdentityScope)}`)
    row('resolution alone (`resolve --rekey`): time, peak RSS', (s) => `${sec(s.resolveAllSeconds)}, ${int(s.resolveAllPeakRssMb)} MB`)
    lines.push('', `Lookup latency, ms (p50 / p95 / p99):`, '')
    lines.push(`| query | ${rows.map(sizeLabel).join(' | ')} |`, `| --- |${rows.map(() => ' ---: |').join('')}`)
    for (const queryClass of rows[0]!.lookup.map((entry) => entry.queryClass)) {
      row(queryClass.replace('_', ' '), (s) => {
        const entry = s.lookup.find((candidate) => candidate.queryClass === queryClass)
        return entry && entry.queries > 0 ? `${ms(entry.p50)} / ${ms(entry.p95)} / ${ms(entry.p99)} (n=${int(entry.queries)})` : 'no sample'
      })
    }
    lines.push('')
  }
  lines.push(...targets(summaries, input.options.quick))
  lines.push(remains(input.previous))
  return `${lines.join('\n')}\n`
}

function targets(summaries: Summary[], quick: boolean): string[] {
  const lines = ['## Targets (server database, at 1M source records)', '']
  if (quick) return [...lines, 'Not judged: a --quick run proves the command works.', '']
  const server = summaries.filter((summary) => summary.target === 'server').sort((a, b) => b.size - a.size)[0]
  if (!server) return [...lines, 'Not judged: the server target did not run.', '']
  const at = server.size >= TARGET_SIZE ? '' : ` (judged at ${sizeLabel(server)}: 1M was not run)`
  const email = server.lookup.find((entry) => entry.queryClass === 'email')
  const fuzzy = server.lookup.find((entry) => entry.queryClass === 'fuzzy_name')
  const verdict = (met: boolean) => (met ? 'met' : '**missed**')
  lines.push(
    `Measured at the largest size run${at}.`,
    '',
    '| target | measured | |',
    '| --- | ---: | --- |',
    `| import end to end ≥ 0.3× COPY records/s (aim 0.5×) | ${ratio(server.importToCopy)}× | ${verdict(server.importToCopy >= 0.3)} |`,
    `| peak RSS of the importing process ≤ 400 MB | ${int(Math.max(server.landPeakRssMb, server.resolvePeakRssMb))} MB | ${verdict(Math.max(server.landPeakRssMb, server.resolvePeakRssMb) <= 400)} |`,
    `| unchanged re-import ≥ 10× faster, zero rows written | ${ratio(server.reimportSpeedup)}×, ${int(server.reimportRowsWritten)} rows (re-read of every record: ${ratio(server.rereadSpeedup)}×, ${int(server.rereadRowsWritten)} rows) | ${verdict(server.reimportSpeedup >= 10 && server.reimportRowsWritten === 0)} |`,
    `| lookup email p99 ≤ 30 ms | ${email ? ms(email.p99) : '–'} ms | ${verdict(email !== undefined && email.p99 <= 30)} |`,
    `| lookup fuzzy name p99 ≤ 80 ms | ${fuzzy ? ms(fuzzy.p99) : '–'} ms | ${verdict(fuzzy !== undefined && fuzzy.p99 <= 80)} |`,
    '',
  )
  return lines
}

function remains(previous: string | undefined): string {
  const at = previous?.indexOf(REMAINS_HEADING) ?? -1
  if (previous !== undefined && at >= 0) return previous.slice(at).trimEnd()
  return `${REMAINS_HEADING}\n\nNot written yet: read the figures above and say here, by hand, what misses a target and why (the benchmark keeps this section when it rewrites the file).`
}

const sizeLabel = (summary: Summary) => `${formatSize(summary.size)}${summary.runs > 1 ? ` (${summary.runs} runs)` : ' (1 run)'}`
const int = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–')
const sec = (value: number) => `${value.toFixed(1)} s`
/** Milliseconds to a tenth: a median of two runs may fall between them. */
const ms = (value: number) => String(Math.round(value * 10) / 10)
const ratio = (value: number) => value.toFixed(2)
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} minutes`
