import { describe, expect, it } from 'vitest'
import { createRandom } from './random.ts'
import { explainPair, linkRecords, resolveRecords } from './resolve.ts'
import { formatEvidence } from './scorer.ts'
import type { MatchModel, MatchRecord } from './types.ts'

const GIVEN = ['olivia', 'amelia', 'isla', 'ava', 'mia', 'ivy', 'lily', 'grace', 'noah', 'oliver', 'george', 'arthur', 'leo', 'harry', 'oscar', 'jack', 'lucas', 'henry', 'theo', 'james']
const FAMILY = ['smith', 'jones', 'taylor', 'brown', 'williams', 'wilson', 'johnson', 'davies', 'robinson', 'wright', 'thompson', 'evans', 'walker', 'white', 'roberts', 'green', 'hall', 'wood', 'jackson', 'clarke']

/** One typo: two neighbouring characters swapped. */
function typo(value: string, random: () => number): string {
  const at = Math.floor(random() * (value.length - 1))
  return value.slice(0, at) + value.charAt(at + 1) + value.charAt(at) + value.slice(at + 2)
}

/** People with a corrupted duplicate each: a typo in one field, another field dropped. */
function syntheticPeople(count: number, seed: number): { records: MatchRecord[]; entityOf: Map<string, number> } {
  const random = createRandom(seed)
  const pick = (list: readonly string[]): string => list[Math.floor(random() * list.length)] ?? ''
  const records: MatchRecord[] = []
  const entityOf = new Map<string, number>()
  for (let person = 0; person < count; person++) {
    const givenName = pick(GIVEN)
    const familyName = pick(FAMILY)
    const year = 1950 + Math.floor(random() * 50)
    const month = String(1 + Math.floor(random() * 12)).padStart(2, '0')
    const day = String(1 + Math.floor(random() * 28)).padStart(2, '0')
    const fields = {
      givenName,
      familyName,
      birthDate: `${year}-${month}-${day}`,
      postcode: String(2000 + Math.floor(random() * 7000)),
      email: `${givenName}.${familyName}${Math.floor(random() * 100)}@example.com`,
    }
    records.push({ id: `p${person}`, source: 'hr', fields })
    entityOf.set(`p${person}`, person)
    const copy: MatchRecord['fields'] = { ...fields }
    const keys = Object.keys(fields) as (keyof typeof fields)[]
    const corrupted = keys[Math.floor(random() * keys.length)] ?? 'givenName'
    copy[corrupted] = typo(fields[corrupted], random)
    delete copy[keys[Math.floor(random() * keys.length)] ?? 'email']
    records.push({ id: `d${person}`, source: 'crm', fields: copy })
    entityOf.set(`d${person}`, person)
  }
  return { records, entityOf }
}

describe('resolveRecords', () => {
  const { records, entityOf } = syntheticPeople(300, 11)
  const result = resolveRecords(records)

  it('finds the duplicates without labels', () => {
    let correct = 0
    let wrong = 0
    for (let person = 0; person < 300; person++) {
      if (result.clusterOf.get(`p${person}`) === result.clusterOf.get(`d${person}`)) correct++
    }
    const sizes = new Map<string, string[]>()
    for (const [id, cluster] of result.clusterOf) sizes.set(cluster, [...(sizes.get(cluster) ?? []), id])
    for (const ids of sizes.values()) if (new Set(ids.map((id) => entityOf.get(id))).size > 1) wrong++
    expect(correct).toBeGreaterThanOrEqual(285)
    expect(wrong).toBeLessThanOrEqual(3)
    expect(result.clusters.largest).toBeLessThanOrEqual(3)
    expect(result.model.training.candidatePairs).toBe(result.blocking.candidatePairs)
  })

  it('explains every pair field by field', () => {
    const best = result.links[0]
    if (best === undefined) throw new Error('no pairs')
    const evidence = explainPair(result, best)
    expect(evidence.map((item) => item.field)).toEqual(result.model.comparisons.map((comparison) => comparison.field))
    const total = result.scorer.priorWeight + evidence.reduce((sum, item) => sum + item.weight, 0)
    expect(total).toBeCloseTo(best.weight, 9)
    const text = formatEvidence(evidence)
    expect(text).toMatch(/^\w+ [^,]+ [+−]\d+\.\d(, \w+ [^,]+ [+−]\d+\.\d)*$/)
    expect(text.split(', ')).toHaveLength(evidence.filter((item) => item.level !== 'missing').length)
  })

  it('round-trips the model through JSON and scores the same with it', () => {
    const model = JSON.parse(JSON.stringify(result.model)) as MatchModel
    expect(model).toEqual(result.model)
    const again = resolveRecords(records, { model })
    expect(again.clusterOf).toEqual(result.clusterOf)
    expect(again.pairs.weights).toEqual(result.pairs.weights)
  })
})

describe('linkRecords', () => {
  it('links two sources one to one', () => {
    const { records } = syntheticPeople(200, 5)
    const left = records.filter((record) => record.source === 'hr')
    const right = records.filter((record) => record.source === 'crm')
    const result = linkRecords(left, right)
    const correct = result.links.filter((link) => link.left.slice(1) === link.right.slice(1)).length
    expect(correct).toBeGreaterThanOrEqual(190)
    expect(result.links.length - correct).toBeLessThanOrEqual(2)
    expect(new Set(result.links.map((link) => link.left)).size).toBe(result.links.length)
    expect(new Set(result.links.map((link) => link.right)).size).toBe(result.links.length)
    expect(result.model.mode).toBe('link')
  })
})
