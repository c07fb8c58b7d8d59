import { Faker, base, en } from '@faker-js/faker'

/**
 * The single source of randomness of one generation run: a local Faker seeded once and consumed in a
 * fixed order. Re-seeding per record would give random access but costs ~45 µs per seed (Mersenne
 * Twister init), which alone would take most of the time budget at a million people; so the model is
 * built strictly sequentially and anything needed later is kept in compact form instead.
 */
export interface Rng {
  readonly faker: Faker
  /** Uniform in [0, 1). */
  float(): number
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(items: readonly T[]): T
  /** Picks by relative weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T
  /** Lower-case hex string of the given length. */
  hex(length: number): string
}

export function createRng(seed: number): Rng {
  const faker = new Faker({ locale: [en, base] })
  faker.seed(seed)
  const float = (): number => faker.number.float()
  const int = (min: number, max: number): number => min + Math.floor(float() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(float() * items.length)]
    if (item === undefined) throw new Error('pick from an empty list')
    return item
  }
  const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
    let total = 0
    for (const [, weight] of items) total += weight
    let point = float() * total
    for (const [item, weight] of items) {
      point -= weight
      if (point < 0) return item
    }
    const last = items.at(-1)
    if (last === undefined) throw new Error('weighted pick from an empty list')
    return last[0]
  }
  const hex = (length: number): string => {
    let out = ''
    while (out.length < length) out += Math.floor(float() * 0x10000).toString(16).padStart(4, '0')
    return out.slice(0, length)
  }
  return { faker, float, int, chance: (probability) => float() < probability, pick, weighted, hex }
}
