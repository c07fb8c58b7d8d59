import type { SystemName } from '../schema/database.ts'
import { googleConnector } from './google/index.ts'
import { salesforceConnector } from './salesforce/index.ts'
import { slackConnector } from './slack/index.ts'
import type { ExportConnector } from './types.ts'
import { workdayConnector } from './workday/index.ts'

export const SYSTEM_NAMES = ['slack', 'salesforce', 'workday', 'google'] as const satisfies readonly SystemName[]

/** The built-in export connectors, one per system, registered through the public contract. */
export const exportConnectors: Record<SystemName, ExportConnector> = {
  slack: slackConnector,
  salesforce: salesforceConnector,
  workday: workdayConnector,
  google: googleConnector,
}

export function isSystemName(value: string): value is SystemName {
  return (SYSTEM_NAMES as readonly string[]).includes(value)
}
