import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CgError } from '../errors.ts'

/**
 * PGlite does not guard its data folder: two processes that open the same one both start, and both
 * write. This lock file makes the second opener stop with a clear error instead.
 *
 * The file holds the owner's pid, its start time (performance.timeOrigin) and host name. A pid alone
 * cannot tell a live owner from a crashed one whose pid was reused, which is the rule in containers
 * where the CLI is always pid 1; pid and start time together can. An owner on another host (or in
 * another container sharing the volume) cannot be checked at all, so its lock counts as held and the
 * message says how to clear it. A lock whose owner on this host no longer runs is taken over.
 */
export interface DataDirLock {
  release(): void
}

export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true })
  const lockPath = path.join(dataDir, 'customer-graph.lock')
  const me = `${process.pid} ${Math.round(performance.timeOrigin)} ${os.hostname()}`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, me, { flag: 'wx' })
      return { release: () => removeIfOwned(lockPath, me) }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = readOr(lockPath, '')
      if (ownerIsAlive(owner, me)) {
        const [pid, , host] = owner.split(' ')
        const where = host && host !== os.hostname() ? ` on host ${host} (if it is gone, delete ${lockPath})` : ''
        throw new CgError(
          'E_DATA_DIR_LOCKED',
          `the data folder ${dataDir} is in use by process ${pid}${where}; wait for it to finish, stop it, or use another --data-dir`,
          { location: { file: lockPath }, retryable: true },
        )
      }
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new CgError('E_DATA_DIR_LOCKED', `could not lock the data folder ${dataDir}; another process keeps taking it`, {
    location: { file: lockPath },
    retryable: true,
  })
}

function ownerIsAlive(owner: string, me: string): boolean {
  if (owner === me) return true // this process already holds it
  const host = owner.split(' ')[2]
  if (host !== undefined && host !== os.hostname()) return true // cannot be checked from here
  const pid = Number.parseInt(owner, 10)
  if (!Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return false // our pid, another start time: a crashed earlier holder
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function removeIfOwned(lockPath: string, me: string): void {
  if (readOr(lockPath, '') === me) fs.rmSync(lockPath, { force: true })
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    return fallback
  }
}
