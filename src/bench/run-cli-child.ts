/**
 * Runs one customer-graph command as a child process, the way a user runs it (the bin script with its
 * heap flags), under GNU time so that the peak RSS measured is that process's own, not the
 * benchmark's. Returns the command's --json document, its wall time and its peak RSS.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CgError } from '../errors.ts'

export const GNU_TIME = '/usr/bin/time'

export interface CliChildDeps {
  /** bin/customer-graph.js */
  cliPath: string
  /** Folder the pinned Node is in: put first on PATH so the bin script's `env node` finds it. */
  nodeDir: string
  /** A folder for GNU time's output files. */
  scratchDir: string
  /** The environment children start from (DATABASE_URL is set or removed per target). */
  env: NodeJS.ProcessEnv
}

export interface CliChildResult<T> {
  data: T
  wallMs: number
  peakRssMb: number
}

export function assertGnuTime(): void {
  if (!existsSync(GNU_TIME)) {
    throw new CgError('E_CONFIG', `${GNU_TIME} is missing: the benchmark measures each importing process's peak RSS with GNU time; install it (apt-get install time) and run again`)
  }
}

export async function runCliChild<T>(deps: CliChildDeps, args: string[], env: Record<string, string | undefined>): Promise<CliChildResult<T>> {
  const timeFile = join(deps.scratchDir, `time-${randomUUID()}.txt`)
  const childEnv: NodeJS.ProcessEnv = { ...deps.env, PATH: `${deps.nodeDir}:${deps.env.PATH ?? ''}` }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key]
    else childEnv[key] = value
  }
  const started = performance.now()
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(GNU_TIME, ['-f', '%M', '-o', timeFile, deps.cliPath, ...args, '--json'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', reject)
    child.on('close', (exit) => resolve({ code: exit, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }))
  })
  const wallMs = performance.now() - started
  const rssKb = Number((await readFile(timeFile, 'utf8').catch(() => '')).trim().split('\n').pop())
  await rm(timeFile, { force: true })
  if (code !== 0) {
    throw new CgError('E_INTERNAL', `customer-graph ${args.join(' ')} exited with ${code}: ${(stderr.trim() || stdout.trim()).slice(-2000)}`)
  }
  return { data: JSON.parse(stdout) as T, wallMs, peakRssMb: Number.isFinite(rssKb) ? rssKb / 1024 : Number.NaN }
}
