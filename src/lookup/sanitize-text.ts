/**
 * Makes text written in the source systems safe to hand to a person or an AI agent: control
 * characters (and the invisible bidi and separator characters that hide text) are stripped, images
 * are removed, and links survive only to the source systems' own hosts, so no answer ever makes a
 * client fetch from a host someone planted in a message. Pure.
 */

/** Hosts of the four source systems (and their subdomains): links there may stay. */
const SOURCE_HOSTS = ['slack.com', 'slack-edge.com', 'salesforce.com', 'force.com', 'google.com', 'googleusercontent.com', 'workday.com', 'myworkday.com']

// Controls except tab and newline; DEL and C1; line/paragraph separators; bidi embeddings, overrides and isolates; zero-width characters.
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu
const MARKDOWN_IMAGE = /!\[[^\]]{0,500}\]\([^)]{0,2000}\)/g
const HTML_IMAGE = /<img\b[^>]{0,2000}>/gi
/** Slack's link markup: <https://x.com|label> or <https://x.com>. */
const SLACK_LINK = /<((?:https?|ftp):\/\/[^|>\s]{1,2000})(?:\|([^>]{0,500}))?>/g
const MARKDOWN_LINK = /\[([^\]]{0,500})\]\(((?:https?|ftp):\/\/[^)\s]{1,2000})\)/g
const BARE_URL = /\b(?:https?|ftp):\/\/[^\s<>()"']{1,2000}/g
const DATA_URI = /\bdata:[a-z]+\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]{8,}/gi

export const LINK_REMOVED = '[link removed]'
export const IMAGE_REMOVED = '[image removed]'

/** Free text for the untrusted section: cleaned and cut to `maxLength` characters. */
export function sanitizeText(text: string, maxLength: number): string {
  // Slack escapes &, < and > in message text; unescaped first, so a link or image hidden that way is found too.
  let clean = text.normalize('NFC').replace(CONTROL, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  clean = clean.replace(MARKDOWN_IMAGE, IMAGE_REMOVED).replace(HTML_IMAGE, IMAGE_REMOVED).replace(DATA_URI, IMAGE_REMOVED)
  clean = clean.replace(SLACK_LINK, (_all, url: string, label: string | undefined) => (isSourceHost(url) ? url : label ? `${label} ${LINK_REMOVED}` : LINK_REMOVED))
  clean = clean.replace(MARKDOWN_LINK, (all, label: string, url: string) => (isSourceHost(url) ? all : `${label} ${LINK_REMOVED}`))
  clean = clean.replace(BARE_URL, (url) => (isSourceHost(url) ? url : LINK_REMOVED))
  return cut(clean.trim(), maxLength)
}

/** A short value from a source (a name, a title, a deal name): one line, cleaned, cut. */
export function sanitizeLine(text: string | null | undefined, maxLength = 200): string | null {
  if (text === null || text === undefined) return null
  const line = sanitizeText(text, maxLength).replace(/\s+/g, ' ')
  return line === '' ? null : line
}

function isSourceHost(url: string): boolean {
  let host: string
  try {
    host = new URL(url).hostname.toLowerCase()
  } catch {
    return false
  }
  return SOURCE_HOSTS.some((allowed) => host === allowed || host.endsWith(`.${allowed}`))
}

function cut(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text
  // Never split a surrogate pair.
  const end = /[\ud800-\udbff]/.test(text.charAt(maxLength - 2)) ? maxLength - 2 : maxLength - 1
  return `${text.slice(0, end)}…`
}
