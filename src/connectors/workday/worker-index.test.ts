import { describe, expect, it } from 'vitest'
import { HashedKeySet, WorkerIndex } from './worker-index.ts'

describe('HashedKeySet', () => {
  it('answers membership for many keys after growing', () => {
    const set = new HashedKeySet()
    for (let index = 0; index < 5000; index++) set.add(`E${index}`)
    expect(set.size).toBe(5000)
    for (let index = 0; index < 5000; index += 7) expect(set.has(`E${index}`)).toBe(true)
    expect(set.has('E5000')).toBe(false)
    expect(set.has('')).toBe(false)
  })
})

describe('WorkerIndex', () => {
  it('knows report workers by employee id, WID (any case) and work email (any case); hashed ids are no employee ids', () => {
    const index = new WorkerIndex()
    index.add('E1', { Employee_ID: 'E1', Worker_WID: 'ABCDEF', 'Email_-_Work': 'Ada@Example.com' }, {})
    index.add('row:123', { Worker: 'No Id', 'Email_-_Work': 'no.id@example.com' }, {})
    index.seal()
    expect(index.isReady).toBe(true)
    expect(index.hasEmployeeId('E1')).toBe(true)
    expect(index.hasEmployeeId('row:123')).toBe(false)
    expect(index.hasWids).toBe(true)
    expect(index.hasWid('abcdef')).toBe(true)
    expect(index.hasEmail(' ada@example.COM ')).toBe(true)
    expect(index.hasEmail('no.id@example.com')).toBe(true)
    index.clear()
    expect(index.isReady).toBe(false)
    expect(index.hasEmployeeId('E1')).toBe(false)
  })

  it('reads the WID column named by the mapping override', () => {
    const index = new WorkerIndex()
    index.add('E1', { Employee_ID: 'E1', Ref: 'w-1' }, { Ref: 'wid' })
    index.seal()
    expect(index.hasWid('W-1')).toBe(true)
  })
})
