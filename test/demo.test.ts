import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DemoReport } from '../src/demo/run-demo.ts'
import { runCliProcess } from './support/run-cli.ts'

describe('customer-graph demo on the embedded database', () => {
  let cwd: string
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'cg-demo-'))
  })
  afterAll(() => rm(cwd, { recursive: true, force: true }))

  it('imports a generated company from all four systems and answers a found and an ambiguous lookup', { timeout: 180_000 }, async () => {
    const run = await runCliProcess(['demo', '--people', '300', '--json'], { cwd, timeoutMs: 170_000 })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as DemoReport
    expect(report.imports.map((item) => [item.system, item.status])).toEqual([
      ['workday', 'succeeded'],
      ['google', 'succeeded'],
      ['salesforce', 'succeeded'],
      ['slack', 'succeeded'],
    ])
    expect(report.resolution.people).toBeGreaterThan(250)
    const [found, ambiguous] = report.lookups
    expect(found!.result.status).toBe('found')
    expect(found!.result.profile!.records.length).toBeGreaterThan(1)
    // The customer chosen is the one the joined graph says most about: their account owner has left.
    expect(found!.result.related!.owners!.some((owner) => owner.workday.status === 'terminated')).toBe(true)
    expect(ambiguous!.result.status).toBe('ambiguous')
    expect(ambiguous!.result.candidates!.length).toBeGreaterThanOrEqual(2)

    // The same data again, for a person reading a terminal: nothing new lands, the story is the same.
    const again = await runCliProcess(['demo', '--people', '300'], { cwd, timeoutMs: 170_000 })
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(`$ customer-graph lookup ${JSON.stringify(found!.query)}`)
    expect(again.stdout).toContain('(found by email)')
    expect(again.stdout).toMatch(/matches \d entities; which one\?/)
    expect(again.stdout).toMatch(/Workday: terminated/)
  })
})
