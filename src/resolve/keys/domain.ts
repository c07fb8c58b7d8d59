import { domainToASCII } from 'node:url'

/**
 * Domain keys for organisations: the host of an account's website, an e-mail domain, and the
 * registrable domain both reduce to, so www.acme.co.uk, mail.acme.co.uk and ada@acme.co.uk agree.
 *
 * Hosts are kept in their ASCII (punycode) form: it is what DNS, URL parsers and most systems
 * store, so münchen.de and xn--mnchen-3ya.de give one key.
 */

/** A DNS host name with at least two labels and an alphabetic (or IDN) top-level label. Rejects IPs. */
const HOSTNAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/
const NON_ASCII = /[\u0080-\uffff]/
const TRAILING_DOTS = /\.+$/

/** Top-level names that only exist inside networks (RFC 2606, RFC 6762, common intranet habits). */
const PRIVATE_TLDS: ReadonlySet<string> = new Set([
  'localhost', 'local', 'localdomain', 'internal', 'intranet', 'lan', 'home', 'corp', 'test', 'example', 'invalid', 'arpa', 'onion',
])

/**
 * Normalises a bare host name: lower-case, no trailing dot, IDN to punycode. Undefined unless it
 * is a syntactically valid public host name (so no IPs, no single labels, no & or spaces).
 */
export function normalizeHostname(raw: string): string | undefined {
  let host = raw.toLowerCase().replace(TRAILING_DOTS, '')
  if (NON_ASCII.test(host)) {
    host = domainToASCII(host)
    if (host === '') return undefined
  }
  if (!HOSTNAME.test(host)) return undefined
  const tld = host.slice(host.lastIndexOf('.') + 1)
  return PRIVATE_TLDS.has(tld) ? undefined : host
}

/** A URL scheme, recognised only before "//" (so "acme.com:8080" stays a host with a port), or a sloppy http(s): */
const SCHEME = /^(?:[a-z][a-z0-9+.-]*:(?=\/\/)|https?:)\/*/i
const LEADING_SLASHES = /^\/+/
/** Where the host ends in a URL, or where a second value starts in a sloppy field ("acme.com; acme.de"). */
const HOST_END = /[/?#\\\s,;|]/
const PORT = /:\d*$/
const WWW = /^www\d*\./

/**
 * The host of a website as an organisation states it: `https://www.Acme.com:443/about` → `acme.com`.
 * Strips scheme, credentials, port, path, `www.`/`www2.` and trailing dots; rejects localhost,
 * IP addresses and anything that is not a valid host name (`www.expressl&t.net`). Sub-domains other
 * than www are kept; use {@link registrableDomain} for the organisation-level key.
 */
export function domainFromWebsite(raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined
  let text = raw.trim()
  if (text.startsWith('@')) text = text.slice(1)
  text = text.replace(SCHEME, '').replace(LEADING_SLASHES, '')
  const end = text.search(HOST_END)
  if (end !== -1) text = text.slice(0, end)
  const at = text.lastIndexOf('@')
  if (at !== -1) text = text.slice(at + 1)
  text = text.replace(PORT, '')
  if (text === '' || text.includes(':')) return undefined
  const host = normalizeHostname(text)
  if (host === undefined) return undefined
  const withoutWww = host.replace(WWW, '')
  // "www.com" is itself a registered domain: only strip www when a real domain remains.
  return withoutWww.includes('.') ? withoutWww : host
}

/**
 * Second-level labels under which country-code registries sell domains (acme.co.uk, acme.com.au).
 * A compact list of the common ones, NOT the full Public Suffix List: an unlisted suffix such as
 * city.kawasaki.jp reduces one label too far. Kept small on purpose so it is reviewable and has no
 * data file to update; swap in the PSL if organisations from such registries matter.
 */
const PUBLIC_SECOND_LEVELS: Readonly<Record<string, string>> = Object.freeze({
  uk: 'co org ac gov ltd plc me net nhs police sch mod',
  au: 'com net org edu gov asn id',
  nz: 'co org net ac govt geek gen kiwi maori school',
  jp: 'co ne or ac go ed gr lg ad',
  kr: 'co or ne ac go re pe',
  cn: 'com net org gov edu ac',
  hk: 'com net org edu gov idv',
  tw: 'com net org edu gov idv',
  sg: 'com net org edu gov per',
  my: 'com net org edu gov',
  id: 'co or ac go web net my sch',
  in: 'co net org firm gen ind ac edu gov res',
  th: 'co or ac go in net',
  ph: 'com net org edu gov',
  pk: 'com net org edu gov',
  vn: 'com net org edu gov',
  za: 'co org net gov ac web',
  ng: 'com org net edu gov',
  ke: 'co or ac go ne',
  eg: 'com org net edu gov',
  il: 'co org net ac gov muni',
  tr: 'com net org edu gov av gen web biz',
  sa: 'com net org edu gov',
  ae: 'co net org ac gov',
  br: 'com net org gov edu art eng ind inf adv blog med',
  ar: 'com net org gob edu int',
  mx: 'com net org gob edu',
  co: 'com net org gov edu',
  pe: 'com net org gob edu',
  ve: 'com net org gob',
  uy: 'com net org gub edu',
  ec: 'com net org gob edu',
  ua: 'com net org gov edu in',
  pl: 'com net org gov edu biz info waw',
  es: 'com org nom gob edu',
  pt: 'com org gov edu',
  gr: 'com net org gov edu',
  cy: 'com net org ac gov',
  mt: 'com net org edu gov',
  at: 'co or ac gv',
  fr: 'com asso gouv nom tm',
  hu: 'co org',
  ro: 'com org',
  ca: 'ab bc mb nb nf nl ns nt nu on pe qc sk yk gc',
})

/**
 * Hosting and SaaS domains whose sub-domains belong to different customers (acme.myshopify.com,
 * acme.sharepoint.com): the tenant label is the organisation, so it is kept. Unlike co.uk, the
 * bare domain is itself a real organisation's domain (slack.com is Slack's).
 */
const TENANT_SUFFIXES: ReadonlySet<string> = new Set([
  'github.io', 'gitlab.io', 'herokuapp.com', 'blogspot.com', 'wordpress.com', 'wixsite.com', 'myshopify.com',
  'squarespace.com', 'weebly.com', 'webflow.io', 'netlify.app', 'vercel.app', 'pages.dev', 'web.app',
  'firebaseapp.com', 'appspot.com', 'azurewebsites.net', 'cloudfront.net', 'notion.site', 'substack.com',
  'sharepoint.com', 'zendesk.com', 'freshdesk.com', 'atlassian.net', 'slack.com', 'okta.com', 'service-now.com',
  'bamboohr.com', 'my.salesforce.com', 'lightning.force.com', 'my.site.com', 'myworkdayjobs.com',
])

const PUBLIC_SUFFIXES: ReadonlySet<string> = new Set(
  Object.entries(PUBLIC_SECOND_LEVELS).flatMap(([tld, labels]) => labels.split(' ').map((label) => `${label}.${tld}`)),
)

/**
 * The registrable domain of a host: `mail.eu.acme.com` → `acme.com`, `www.acme.co.uk` →
 * `acme.co.uk`, `shop.acme.myshopify.com` → `acme.myshopify.com`. Undefined for invalid hosts and
 * for a bare public suffix (`co.uk`). Accepts raw host names (any case, trailing dot, IDN).
 */
export function registrableDomain(host: string | null | undefined): string | undefined {
  if (host === null || host === undefined) return undefined
  const normal = normalizeHostname(host.trim())
  if (normal === undefined) return undefined
  const last = normal.lastIndexOf('.')
  const second = normal.lastIndexOf('.', last - 1)
  if (second === -1) return PUBLIC_SUFFIXES.has(normal) ? undefined : normal
  const third = normal.lastIndexOf('.', second - 1)
  // Three-label tenant suffixes first (acme.my.salesforce.com), then two-label ones.
  if (third !== -1 && TENANT_SUFFIXES.has(normal.slice(third + 1))) return normal.slice(normal.lastIndexOf('.', third - 1) + 1)
  const lastTwo = normal.slice(second + 1)
  if (PUBLIC_SUFFIXES.has(lastTwo) || TENANT_SUFFIXES.has(lastTwo)) return normal.slice(third + 1)
  return lastTwo
}
