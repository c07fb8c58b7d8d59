import type { ExportConnector } from '../types.ts'
import { readWorkdayExport } from './export.ts'
import { normalizeWorker } from './normalize.ts'

/** Workday: report exports (RaaS JSON, UI CSV/XLSX) and REST workers pages, landed as `worker`. */
export const workdayConnector: ExportConnector = {
  system: 'workday',
  read: readWorkdayExport,
  normalize: normalizeWorker,
}
