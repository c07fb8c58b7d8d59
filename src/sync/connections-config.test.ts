import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { CgError } from '../errors.ts'
import type { ApiConnector } from '../connectors/api-contract.ts'
import { googleSettings } from '../connectors/google/config.ts'
import { salesforceSettings } from '../connectors/salesforce/config.ts'
import { slackSettings } from '../connectors/slack/config.ts'
import { workdaySettings } from '../connectors/workday/config.ts'
import { parseConnectionsFile, type ConnectorCatalog } from './connections-config.ts'
import { Secret } from './secret.ts'

/** The file parser needs only each connector's settings schema. */
const schemas: Record<string, ApiConnector['settings']> = { slack: slackSettings, salesforce: salesforceSettings, google: googleSettings, workday: workdaySettings }
const connectorOf = (system: string, settings: ApiConnector['settings']): ApiConnector => ({
  system,
  settings,
  open: () => {
    throw new Error('not opened in these tests')
  },
  normalize: () => ({ records: [], issues: [] }),
})
const catalog: ConnectorCatalog = {
  system: (name) => (schemas[name] ? connectorOf(name, schemas[name]) : undefined),
  module: () => undefined,
  systems: () => Object.keys(schemas),
}
const parse = (text: string, env: Record<string, string>) => parseConnectionsFile(text, 'customer-graph.yaml', env, catalog)

const ENV = { SLACK_TOKEN: 'xoxb-canary-1234', SF_CLIENT_ID: 'id-canary', SF_CLIENT_SECRET: 'secret-canary', SF_REFRESH: 'refresh-canary', WD_USER: 'isu', WD_PASSWORD: 'pw-canary' }

const GOOD = `
connections:
  acme-slack:
    system: slack
    token: \${SLACK_TOKEN}
  acme-salesforce:
    system: salesforce
    instanceUrl: https://acme.my.salesforce.com
    auth:
      type: oauth_refresh
      clientId: \${SF_CLIENT_ID}
      clientSecret: \${SF_CLIENT_SECRET}
      refreshToken: \${SF_REFRESH}
    schedule: "*/15 * * * *"
  acme-workday:
    system: workday
    host: https://wd2-impl-services1.workday.com
    tenant: acme
    auth:
      type: basic
      username: \${WD_USER}
      password: "\${WD_PASSWORD}"
    report: { owner: ISU_CG, name: Workers_for_CG }
`

function failure(text: string, env: Record<string, string> = ENV): CgError {
  try {
    parse(text, env)
  } catch (error) {
    if (error instanceof CgError) return error
    throw error
  }
  throw new Error('expected the file to be refused')
}

describe('parseConnectionsFile', () => {
  it('reads the connections with their defaults and resolves secrets from the environment', () => {
    const file = parse(GOOD, ENV)
    const slack = file.connections['acme-slack']!
    expect(slack.connector.system).toBe('slack')
    expect(slack.settings).toMatchObject({ apiUrl: 'https://slack.com/api/' })
    expect((slack.settings as { token: Secret }).token.reveal()).toBe('xoxb-canary-1234')
    expect(slack).toMatchObject({ requestTimeoutMs: 60_000, concurrency: 4, maxRateLimitWaitMs: 300_000 })
    expect(slack).toMatchObject({ schedule: undefined, runTimeoutMs: 3_600_000, retries: 8 })
    expect(parse(GOOD.replace('"*/15 * * * *"', '{ Contact: "*/5 * * * *", default: "0 * * * *" }'), ENV).connections['acme-salesforce']?.schedule).toEqual({ Contact: '*/5 * * * *', default: '0 * * * *' })
    expect(file.connections['acme-salesforce']).toMatchObject({ schedule: '*/15 * * * *', settings: { loginUrl: 'https://login.salesforce.com', apiVersion: '62.0', apiUsageCeiling: 0.8 } })
    expect(file.connections['acme-workday']?.settings).toMatchObject({ tenant: 'acme', report: { owner: 'ISU_CG', name: 'Workers_for_CG', prompts: {} } })
  })

  it('never shows a secret: not as a string, in JSON or when inspected', () => {
    const file = parse(GOOD, ENV)
    const slack = file.connections['acme-slack']!
    const shown = [String((slack.settings as { token: Secret }).token), JSON.stringify(file.connections['acme-slack']?.settings), inspect(file, { depth: 10 })].join('\n')
    for (const canary of Object.values(ENV).filter((value) => value.includes('canary'))) expect(shown).not.toContain(canary)
    expect(JSON.stringify(slack.settings)).toContain('[secret ${SLACK_TOKEN}]')
    expect(new Secret('X', 'v').toString()).toBe('[secret]')
  })

  it.each([
    ['a secret written in the file', GOOD.replace('${SLACK_TOKEN}', 'xoxb-literal'), /customer-graph\.yaml:5: connections\.acme-slack\.token must be an environment reference/, 5],
    ['an unset variable', GOOD, /connections\.acme-slack\.token refers to the environment variable SLACK_TOKEN, which is not set/, 5],
    ['an unknown system', GOOD.replace('system: slack', 'system: teams'), /connections\.acme-slack\.system must be one of "slack", "salesforce", "google", "workday", or name a connector with module:/, 4],
    ['a misspelt setting', GOOD.replace('tenant: acme', 'tennant: acme'), /connections\.acme-workday\.tennant is not a known setting here/, 18],
    ['a missing setting', GOOD.replace('    instanceUrl: https://acme.my.salesforce.com\n', ''), /connections\.acme-salesforce\.instanceUrl is missing/, 7],
    ['a bad URL', GOOD.replace('https://acme.my.salesforce.com', 'acme.my.salesforce.com'), /connections\.acme-salesforce\.instanceUrl must be an http\(s\) URL/, 8],
    ['a bad name', GOOD.replace('acme-slack:', 'Acme Slack:'), /connections\.Acme Slack a connection name is lower-case/, undefined],
    ['broken YAML', 'connections:\n  a: [1,\n', /customer-graph\.yaml:\d+: not valid YAML/, undefined],
    ['a schedule that is not cron', GOOD.replace('"*/15 * * * *"', 'every 15 minutes'), /connections\.acme-salesforce\.schedule must be a cron expression of five fields \(minute hour day month weekday\), e\.g\. "\*\/15 \* \* \* \*"/, 14],
    ['a stream schedule that is not cron', GOOD.replace('"*/15 * * * *"', '{ Contact: "*/5 * * *" }'), /connections\.acme-salesforce\.schedule\.Contact must be a cron expression/, 14],
    ['a run bound out of range', GOOD.replace('schedule: "*/15 * * * *"', 'runTimeoutMs: 10'), /connections\.acme-salesforce\.runTimeoutMs too small: expected number to be >=1000/, 14],
  ])('refuses %s, naming the file, line and path', (_what, text, message, line) => {
    const env = _what === 'an unset variable' ? { ...ENV, SLACK_TOKEN: '' } : ENV
    const error = failure(text, env)
    expect(error.code).toBe('E_CONFIG')
    expect(error.message).toMatch(message)
    if (line !== undefined) expect(error.location?.line).toBe(line)
    for (const canary of Object.values(ENV)) expect(error.message).not.toContain(canary)
  })
})
