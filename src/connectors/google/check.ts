import type { CheckResult, StreamContext } from '../api-contract.ts'
import { classifyGoogleError } from './classify.ts'
import type { GoogleClients } from './client.ts'
import type { GoogleSettings } from './config.ts'
import { STREAM_SCOPES, type StreamScope } from './scopes.ts'

/**
 * Verifies a Google connection without syncing: the refresh token buys an access token, then each
 * API answers a one-item request — Directory users.list, People connections.list and
 * otherContacts.list, Calendar events.list of every configured calendar. A 403 for a missing scope
 * marks that scope not granted (naming the streams it blocks); any other failure ends the check
 * through the sync's call (E_AUTH for refused credentials).
 */
export async function checkGoogle(clients: GoogleClients, settings: GoogleSettings, context: StreamContext): Promise<CheckResult> {
  await context.call({ what: 'oauth2 token refresh' }, () => clients.refresh())
  const [directory, people, otherContacts, calendar] = STREAM_SCOPES as [StreamScope, StreamScope, StreamScope, StreamScope]

  const users = await probe(context, 'directory users.list', (signal) =>
    clients.request(signal, (options) => clients.admin.users.list({ customer: settings.customer, maxResults: 1 }, options)),
  )
  const contacts = await probe(context, 'people people.connections.list', (signal) =>
    clients.request(signal, (options) => clients.people.people.connections.list({ resourceName: 'people/me', personFields: 'metadata', pageSize: 1 }, options)),
  )
  const others = await probe(context, 'people otherContacts.list', (signal) =>
    clients.request(signal, (options) => clients.people.otherContacts.list({ readMask: 'metadata', pageSize: 1 }, options)),
  )
  const calendars: Probe<{ summary?: string | null }>[] = []
  for (const calendarId of settings.calendars) {
    calendars.push(await probe(context, 'calendar events.list', (signal) => clients.request(signal, (options) => clients.calendar.events.list({ calendarId, maxResults: 1 }, options))))
  }

  const firstUser = users.granted ? users.body.users?.[0] : undefined
  const domain = firstUser?.primaryEmail?.split('@')[1]
  const customerId = firstUser?.customerId ?? settings.customer
  const firstCalendar = calendars[0]
  return {
    // Google names a primary calendar after its owner's address: the closest thing to "who am I"
    // that these scopes answer without the profile scope.
    identity: firstCalendar?.granted && firstCalendar.body.summary ? `the user of calendar "${firstCalendar.body.summary}"` : 'the user who granted the refresh token',
    account: domain ? `Google Workspace customer ${customerId} (${domain})` : `Google Workspace customer ${customerId}`,
    scopes: [
      { name: directory.scope, granted: users.granted, neededBy: directory.streams },
      { name: people.scope, granted: contacts.granted, neededBy: people.streams },
      { name: otherContacts.scope, granted: others.granted, neededBy: otherContacts.streams },
      { name: calendar.scope, granted: calendars.every((result) => result.granted), neededBy: calendar.streams },
    ],
  }
}

type Probe<T> = { granted: true; body: T } | { granted: false }

/** One cheap request; a missing scope is an answer, not a failure. */
async function probe<T>(context: StreamContext, what: string, request: (signal: AbortSignal) => Promise<T>): Promise<Probe<T>> {
  return context.call({ what }, async (signal): Promise<Probe<T>> => {
    try {
      return { granted: true, body: await request(signal) }
    } catch (error) {
      const failure = classifyGoogleError(error)
      if (failure.kind === 'fatal' && failure.code === 'E_GOOGLE_SCOPE') return { granted: false }
      throw error
    }
  })
}
