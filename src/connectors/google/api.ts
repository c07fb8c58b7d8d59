import type { ApiConnector } from '../api-contract.ts'
import { checkGoogle } from './check.ts'
import { classifyGoogleError } from './classify.ts'
import { googleSettings, type GoogleSettings } from './config.ts'
import { normalizeGoogleRecord } from './normalize.ts'
import { eventsStream } from './streams/events.ts'
import { contactsStream, otherContactsStream } from './streams/people.ts'
import { usersStream } from './streams/users.ts'

/**
 * Google Workspace through its live APIs (googleapis): Directory users, People contacts and other
 * contacts, Calendar events. Records are the export's (same object types and source ids, the same
 * normaliser), so an export import and an API sync converge on one set of records; other contacts,
 * which no export holds, are object type other_contact.
 */
export const googleApiConnector: ApiConnector<GoogleSettings> = {
  system: 'google',
  settings: googleSettings,
  async open(settings) {
    // googleapis loads only when a Google connection is used, not with every command.
    const { createGoogleClients } = await import('./client.ts')
    const clients = createGoogleClients(settings)
    return {
      streams: [usersStream(clients, settings), contactsStream(clients, settings), otherContactsStream(clients, settings), eventsStream(clients, settings)],
      check: (context) => checkGoogle(clients, settings, context),
      classify: classifyGoogleError,
    }
  },
  normalize: normalizeGoogleRecord,
}
