import { InvalidArgumentError } from 'commander'

/** Commander parser for a whole-number option of at least `minimum`: a bad value is a usage error naming what is allowed. */
export function wholeNumber(minimum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value)
    if (!Number.isInteger(parsed) || parsed < minimum) throw new InvalidArgumentError(`expected a whole number of at least ${minimum}`)
    return parsed
  }
}
