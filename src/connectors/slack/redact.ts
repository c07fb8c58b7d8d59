/**
 * Keeps Slack tokens out of landed payloads. Exports link files with `url_private*` URLs that carry
 * a live token in the query string (`?t=xoxe-…` in 2018 exports, `?token=xoxe-…` in 2024 ones); a
 * token is a secret and must never reach the database. Two passes:
 * 1. every URL inside a message's `files[]` / legacy `file` loses its query string (files are
 *    metadata only, nothing is ever downloaded, so the query has no use);
 * 2. any remaining `xox?-…` token anywhere in the payload (a pasted token in a message, an
 *    attachment URL) is replaced by a marker.
 */

/** Bot, user, refresh (`xoxe-`, `xoxe.xoxp-`), legacy and app-level (`xapp-`) tokens. */
const tokenPattern = /(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]+/g
export const redactedToken = '[redacted-slack-token]'

/** File objects are a few levels deep; deeper values keep their URLs (pass 2 still redacts tokens). */
const maxDepth = 64

/** A copy of the message with file URLs stripped of their query strings and tokens redacted. */
export function redactMessage(message: Record<string, unknown>): Record<string, unknown> {
  const copy = stripFileUrls(message)
  // A thread_broadcast embeds its root message, files included.
  if (isObject(copy.root)) copy.root = stripFileUrls(copy.root)
  return redactTokens(copy)
}

function stripFileUrls(message: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...message }
  if (Array.isArray(copy.files)) copy.files = copy.files.map((file) => mapStrings(file, stripUrlQuery, 0))
  if (isObject(copy.file)) copy.file = mapStrings(copy.file, stripUrlQuery, 0)
  return copy
}

/** The payload with every Slack token inside any string (or key) replaced by a marker. */
export function redactTokens(payload: Record<string, unknown>): Record<string, unknown> {
  // Done on the JSON text so no nesting depth escapes it. Safe: a token's characters never need
  // escaping in JSON, so a match never spans an escape sequence and the marker needs none either.
  const json = JSON.stringify(payload)
  if (!json.includes('xox') && !json.includes('xapp-')) return payload
  const parsed: unknown = JSON.parse(redactText(json))
  return isObject(parsed) ? parsed : payload
}

/** Text (a rejected value's JSON) with every Slack token replaced by a marker. */
export function redactText(text: string): string {
  return text.replace(tokenPattern, redactedToken)
}

/** `https://files.slack.com/x/canvas?token=…#frag` → `https://files.slack.com/x/canvas#frag`; other strings unchanged. */
export function stripUrlQuery(value: string): string {
  if (!/^https?:\/\//i.test(value)) return value
  const queryStart = value.indexOf('?')
  if (queryStart === -1) return value
  const hashStart = value.indexOf('#', queryStart)
  return value.slice(0, queryStart) + (hashStart === -1 ? '' : value.slice(hashStart))
}

function mapStrings(value: unknown, map: (text: string) => string, depth: number): unknown {
  if (typeof value === 'string') return map(value)
  if (depth > maxDepth || typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map, depth + 1))
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) result[key] = mapStrings(item, map, depth + 1)
  return result
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
