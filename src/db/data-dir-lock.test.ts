import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { lockDataDir } from './data-dir-lock.ts'

const dirs: string[] = []
function scratchDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-lock-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

describe('lockDataDir', () => {
  it('refuses a second holder in the same process and frees on release', () => {
    const dir = scratchDir()
    const lock = lockDataDir(dir)
    expect(() => lockDataDir(dir)).toThrow(expect.objectContaining({ code: 'E_DATA_DIR_LOCKED' }))
    lock.release()
    lockDataDir(dir).release()
    expect(fs.existsSync(path.join(dir, 'customer-graph.lock'))).toBe(false)
  })

  it('refuses while another live process holds it', () => {
    const dir = scratchDir()
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      fs.writeFileSync(path.join(dir, 'customer-graph.lock'), `${holder.pid} 1`)
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by process ${holder.pid}`))
    } finally {
      holder.kill()
    }
  })

  it('counts a lock held on another host as held, and says how to clear it', () => {
    const dir = scratchDir()
    const lockFile = path.join(dir, 'customer-graph.lock')
    fs.writeFileSync(lockFile, '1 1 some-other-container')
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by process 1 on host some-other-container \\(if it is gone, delete ${lockFile.replaceAll('/', '\\/')}\\)`))
  })

  it('takes over a lock left by a process that died, or by an earlier process with our pid', () => {
    const dir = scratchDir()
    const lockFile = path.join(dir, 'customer-graph.lock')
    fs.writeFileSync(lockFile, '999999999 1')
    lockDataDir(dir).release()
    fs.writeFileSync(lockFile, `${process.pid} 1`)
    lockDataDir(dir).release()
  })
})
