import type { Rng } from './random.ts'
import { diacriticFirstNames, diacriticLastNames, nicknamePairs, preferredNamePairs } from './names.ts'

/** A person's name as they would write it themselves, plus the name they go by, if different. */
export interface PersonName {
  first: string
  last: string
  middle?: string
  /** Bob for Robert, or an unrelated preferred name (Sid for Siddharth). */
  goesBy?: string
}

/** Draws a realistic name: mostly faker's English names, a few nicknames, diacritics and preferred names. */
export function drawPersonName(rng: Rng): PersonName {
  const faker = rng.faker
  const roll = rng.float()
  let name: PersonName
  if (roll < 0.12) {
    const [formal, nickname] = rng.pick(nicknamePairs)
    name = { first: formal, last: faker.person.lastName() }
    if (rng.chance(0.6)) name.goesBy = nickname
  } else if (roll < 0.19) {
    name = { first: rng.pick(diacriticFirstNames), last: rng.chance(0.5) ? rng.pick(diacriticLastNames) : faker.person.lastName() }
  } else if (roll < 0.21) {
    const [legal, preferred, last] = rng.pick(preferredNamePairs)
    name = { first: legal, last, goesBy: preferred }
  } else {
    name = { first: faker.person.firstName(), last: rng.chance(0.05) ? rng.pick(diacriticLastNames) : faker.person.lastName() }
  }
  if (rng.chance(0.08)) name.middle = faker.person.middleName()
  return name
}

/** First name a person uses day to day. */
export function everydayFirst(name: PersonName): string {
  return name.goesBy ?? name.first
}
