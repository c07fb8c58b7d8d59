/**
 * The true entity of organisation records the importer infers (docs/source-records.md): an email
 * domain's organisation (`email_domain`, `own_domain`) is the company that domain belongs to, a
 * Slack Connect team's (`team`) the company of that team, and a team's domain (`team_domain`,
 * `T…:acme.com`) the team's company. Which company owns which domain and team is the generator's
 * truth (ground-truth/organization-keys.csv); which inferred records exist is the pipeline's, so
 * they are taken from what landed. An inferred record whose domain or team the generator never
 * made is an error of the pipeline: it gets a true entity of its own, so merging it anywhere costs
 * precision. Pure.
 */

/** `kind|value` → entity, from organization-keys.csv (`entity_id,kind,value`). */
export function parseOrganizationKeys(csv: string): Map<string, string> {
  const keys = new Map<string, string>()
  for (const line of csv.trim().split('\n').slice(1)) {
    const [entity, kind, ...value] = line.split(',')
    if (entity && kind) keys.set(`${kind}|${value.join(',')}`, entity)
  }
  return keys
}

/**
 * Truth rows (`system|objectType|sourceId` → entity) for the inferred organisation records among
 * `records` (keys in the same form); other records are left out.
 */
export function inferredOrganizationTruth(records: Iterable<string>, keys: ReadonlyMap<string, string>): Map<string, string> {
  const truth = new Map<string, string>()
  for (const record of records) {
    const [, objectType, ...rest] = record.split('|')
    const sourceId = rest.join('|')
    const entity = trueEntity(objectType ?? '', sourceId, keys)
    if (entity !== null) truth.set(record, entity ?? `unknown:${record}`)
  }
  return truth
}

/** The entity, undefined when unknown to the truth, null for a record that is not inferred. */
function trueEntity(objectType: string, sourceId: string, keys: ReadonlyMap<string, string>): string | undefined | null {
  switch (objectType) {
    case 'email_domain':
    case 'own_domain':
      return keys.get(`domain|${sourceId}`)
    case 'team':
      return keys.get(`slack_team|${sourceId}`)
    case 'team_domain': {
      const colon = sourceId.indexOf(':')
      return keys.get(`slack_team|${sourceId.slice(0, colon)}`) ?? keys.get(`domain|${sourceId.slice(colon + 1)}`)
    }
    default:
      return null
  }
}
