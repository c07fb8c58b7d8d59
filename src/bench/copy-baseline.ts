/**
 * The physical limit for landing the same data: COPY of the landed raw rows into a table like
 * source_records with the same indexes and constraints (LIKE … INCLUDING ALL; foreign keys are not
 * copied, and the import does not check them per row either). The rows are first copied out to a
 * file (server: psql \copy) or a blob (PGlite's /dev/blob); only the COPY in is timed.
 */
import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CgError } from '../errors.ts'
import type { BenchDatabase } from './bench-database.ts'

export interface CopyBaseline {
  rows: number
  ms: number
}

const CREATE = 'create table copy_baseline (like source_records including all)'

export async function measureCopyBaseline(database: BenchDatabase, scratchDir: string): Promise<CopyBaseline> {
  return database.target === 'server' ? copyOnServer(database.location, scratchDir) : copyEmbedded(database.location)
}

async function copyOnServer(url: string, scratchDir: string): Promise<CopyBaseline> {
  const file = join(scratchDir, `copy-${process.pid}.txt`)
  try {
    await psql(url, [CREATE, `\\copy (select * from source_records) to '${file}'`])
    const output = await psql(url, ['\\timing on', `\\copy copy_baseline from '${file}'`, 'select count(*) from copy_baseline'])
    // psql's own timing of the COPY, without its start and connection.
    const ms = Number(/Time: ([\d.]+) ms/.exec(output)?.[1])
    const rows = Number(/^(\d+)$/m.exec(output)?.[1])
    await psql(url, ['drop table copy_baseline'])
    if (!Number.isFinite(ms) || !Number.isFinite(rows)) throw new CgError('E_INTERNAL', `psql's output did not give the COPY's time and rows: ${output.trim()}`)
    return { rows, ms }
  } finally {
    await rm(file, { force: true })
  }
}

function psql(url: string, commands: string[]): Promise<string> {
  const args = [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...commands.flatMap((command) => ['-c', command])]
  return new Promise((resolve, reject) => {
    const child = spawn('psql', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')))
    child.on('error', (error) => reject(new CgError('E_CONFIG', `psql could not start (${error.message}): the server's COPY baseline runs psql \\copy; install the PostgreSQL client`)))
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new CgError('E_INTERNAL', `psql failed (${code}): ${err.trim()}`))))
  })
}

async function copyEmbedded(dataDir: string): Promise<CopyBaseline> {
  const [{ PGlite }, { pg_trgm }, { lockDataDir }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('../db/data-dir-lock.ts'),
  ])
  const lock = lockDataDir(dataDir)
  const pglite = await PGlite.create(`${dataDir}/pgdata`, { extensions: { pg_trgm } })
  try {
    await pglite.exec(CREATE)
    const out = await pglite.query("copy (select * from source_records) to '/dev/blob'")
    const blob = out.blob
    if (!blob) throw new CgError('E_INTERNAL', 'PGlite returned no blob for COPY TO /dev/blob')
    const started = performance.now()
    const copied = await pglite.query("copy copy_baseline from '/dev/blob'", [], { blob })
    const ms = performance.now() - started
    await pglite.exec('drop table copy_baseline')
    return { rows: copied.affectedRows ?? 0, ms }
  } finally {
    await pglite.close()
    lock.release()
  }
}
