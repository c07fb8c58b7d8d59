import type { BuiltInSystem } from '../schema/database.ts'
import type { ApiConnector } from './api-contract.ts'
import { salesforceApiConnector } from './salesforce/api.ts'
import { googleApiConnector } from './google/api.ts'
import { googleConnector } from './google/index.ts'
import { salesforceConnector } from './salesforce/index.ts'
import { slackApiConnector } from './slack/api.ts'
import { slackConnector } from './slack/index.ts'
import type { ExportConnector } from './types.ts'
import { workdayApiConnector } from './workday/api.ts'
import { workdayConnector } from './workday/index.ts'

export const SYSTEM_NAMES = ['slack', 'salesforce', 'workday', 'google'] as const satisfies readonly BuiltInSystem[]

/** The built-in export connectors, one per system, registered through the public contract. */
export const exportConnectors: Record<BuiltInSystem, ExportConnector> = {
  slack: slackConnector,
  salesforce: salesforceConnector,
  workday: workdayConnector,
  google: googleConnector,
}

export function isBuiltInSystem(value: string): value is BuiltInSystem {
  return (SYSTEM_NAMES as readonly string[]).includes(value)
}

/**
 * The built-in live-API connectors, registered through the same contract a connector module uses
 * (connectors/api-contract.ts, docs/connectors.md). Keyed by the `system:` a connection names.
 */
export const apiConnectors: Readonly<Record<string, ApiConnector>> = {
  slack: slackApiConnector,
  salesforce: salesforceApiConnector,
  google: googleApiConnector,
  workday: workdayApiConnector,
}
