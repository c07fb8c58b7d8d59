/**
 * A record's identity signature: a hash of everything resolution reads of it — the keys of its person
 * and organisation, what the person is compared by (personFeatures without organisation context:
 * names, emails, work domains, phones, organisation hints, internal, bot) and what its entity shows
 * of it (the name parts, internal). Organisations are few and their records feed the organisation
 * context people are compared through, so all of an organisation counts.
 *
 * Two versions of a record with the same signature resolve alike: a change between them (a title, a
 * modstamp, a description) re-resolves nothing. Pure.
 */
import { createHash } from 'node:crypto'
import type { Person } from '../schema/canonical.ts'
import { personFeatures } from './person-strategy.ts'
import type { KeyedEntity } from './record-keys.ts'
import type { ResolutionKey } from './resolvable.ts'

export function identitySignature(keyed: readonly KeyedEntity[]): string {
  const parts = keyed.map((entity) => ({
    kind: entity.kind,
    keys: entity.keys.map(keyText).sort(),
    reads: entity.kind === 'person' ? personReads(entity.data as Person) : entity.data,
  }))
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url')
}

function keyText(key: ResolutionKey): string {
  return `${key.kind}\u0001${key.value}\u0001${key.role}\u0001${key.isGeneric}`
}

/** Every feature the scorer compares (sets in sorted order), and the name parts the entity shows. */
function personReads(person: Person) {
  const features: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(personFeatures(person)) as [string, unknown][]) {
    features[name] = value instanceof Set ? [...(value as Set<string>)].sort() : value
  }
  return { features, name: person.name, internal: person.internal }
}
