import type { ExportConnector } from '../types.ts'
import { readSlackExport } from './export.ts'
import { normalizeSlackRecord } from './normalize.ts'

/** Slack workspace exports (ZIP or folder; public, corporate and Enterprise Grid) and saved Web API responses. */
export const slackConnector: ExportConnector = {
  system: 'slack',
  read: readSlackExport,
  normalize: normalizeSlackRecord,
}
