import type { ExportConnector } from '../types.ts'
import { readGoogleExport } from './export.ts'
import { normalizeGoogleRecord } from './normalize.ts'

/**
 * Google Workspace exports: Admin console users CSV, Google Contacts CSV (both header generations),
 * Directory API users JSON, People API connections JSON and Calendar .ics files, alone or together in
 * a folder or ZIP. Object types: user, contact, event, calendar_attendee (docs/source-records.md).
 */
export const googleConnector: ExportConnector = {
  system: 'google',
  read: readGoogleExport,
  normalize: normalizeGoogleRecord,
}
