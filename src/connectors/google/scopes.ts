/**
 * The OAuth scopes the Google streams read with, the broader scopes that also cover them, and which
 * API paths each serves (to name the stream a 403 "insufficient scope" blocks).
 */
export interface StreamScope {
  /** The narrowest read-only scope that suffices. */
  scope: string
  /** Broader scopes a token may hold instead. */
  alsoCoveredBy: string[]
  streams: string[]
  /** The API path prefix the scope's calls use. */
  path: RegExp
}

const AUTH = 'https://www.googleapis.com/auth/'

export const STREAM_SCOPES: readonly StreamScope[] = [
  {
    scope: `${AUTH}admin.directory.user.readonly`,
    alsoCoveredBy: [`${AUTH}admin.directory.user`],
    streams: ['users'],
    path: /^\/admin\/directory\/v1\/users/,
  },
  {
    scope: `${AUTH}contacts.readonly`,
    alsoCoveredBy: [`${AUTH}contacts`],
    streams: ['contacts'],
    path: /^\/v1\/people\//,
  },
  {
    scope: `${AUTH}contacts.other.readonly`,
    alsoCoveredBy: [],
    streams: ['other_contacts'],
    path: /^\/v1\/otherContacts/,
  },
  {
    scope: `${AUTH}calendar.readonly`,
    alsoCoveredBy: [`${AUTH}calendar`, `${AUTH}calendar.events.readonly`, `${AUTH}calendar.events`],
    streams: ['events'],
    path: /^\/calendar\/v3\/calendars\//,
  },
]

export function scopeForPath(path: string): StreamScope | undefined {
  return STREAM_SCOPES.find((entry) => entry.path.test(path))
}
