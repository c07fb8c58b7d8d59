import { normalizeHostname } from './domain.ts'

/**
 * E-mail keys: the strongest deterministic person key (DESIGN §6), as long as two spellings of one
 * mailbox give one string and shared mailboxes (support@) and free-mail domains are recognised.
 */

export interface NormalizedEmail {
  /** `local@domain`, the key. */
  readonly address: string
  /** ASCII (punycode) host, the same form {@link normalizeHostname} gives websites. */
  readonly domain: string
  readonly local: string
}

const MAILTO = /^mailto:/i
const TRAILING_COMMENT = /\s*\([^()]*\)$/
const NON_ASCII = /[\u0080-\uffff]/
/** Characters that need quoting in a local part, whitespace and controls: a value with them is not one plain address. */
const BAD_LOCAL = /[\s\p{Cc}"(),:;<>@[\\\]]/u
const QUOTES = '"\'`'
const MAX_LOCAL_LENGTH = 64

/**
 * Normalises an address as people and systems write it: `  "Ada" <Ada+CRM@X.com>`, `mailto:ada@x.com`,
 * `ada@x.com (Ada)`. Lower-cases the whole address (providers treat local parts case-insensitively
 * in practice), NFC, removes plus-tags for every domain, and for Gmail removes dots and maps
 * googlemail.com to gmail.com. Returns undefined for anything that is not exactly one plausible
 * address (no @, spaces inside, empty parts, no dot in the domain, several addresses).
 */
export function normalizeEmail(raw: string | null | undefined): NormalizedEmail | undefined {
  if (raw === null || raw === undefined) return undefined
  let text = raw.trim()
  if (text === '') return undefined

  // Display-name form: `Ada Lovelace <ada@x.com>`. Text after the `>` means several addresses.
  const open = text.indexOf('<')
  if (open !== -1) {
    const close = text.indexOf('>', open)
    if (close === -1 || text.slice(close + 1).trim() !== '') return undefined
    text = text.slice(open + 1, close).trim()
  } else if (text.endsWith(')')) {
    text = text.replace(TRAILING_COMMENT, '')
  }
  text = stripQuotes(text)
  if (MAILTO.test(text)) text = mailtoAddress(text.slice(7))

  text = text.toLowerCase()
  // After lower-casing: İ lower-cases to i + a combining dot, which NFC must see.
  if (NON_ASCII.test(text)) text = text.normalize('NFC')
  const at = text.indexOf('@')
  if (at <= 0 || at !== text.lastIndexOf('@')) return undefined
  let local = text.slice(0, at)
  if (local.length > MAX_LOCAL_LENGTH || BAD_LOCAL.test(local)) return undefined
  let domain = normalizeHostname(text.slice(at + 1))
  if (domain === undefined) return undefined

  // A leading "+" is part of the name, not a tag: only strip when something remains.
  const plus = local.indexOf('+')
  if (plus > 0) local = local.slice(0, plus)
  if (domain === 'googlemail.com') domain = 'gmail.com'
  if (domain === 'gmail.com') {
    // Gmail ignores dots in the local part; other providers (Outlook, Yahoo) do not.
    local = local.replaceAll('.', '')
    if (local === '') return undefined
  }
  return { address: `${local}@${domain}`, domain, local }
}

function stripQuotes(text: string): string {
  const first = text.charAt(0)
  if (text.length >= 2 && QUOTES.includes(first) && text.endsWith(first)) return text.slice(1, -1).trim()
  return text
}

/** `mailto:ada%40x.com?subject=Hi` → `ada@x.com`: drops the query and decodes percent-escapes. */
function mailtoAddress(uri: string): string {
  const query = uri.indexOf('?')
  const address = query === -1 ? uri : uri.slice(0, query)
  if (!address.includes('%')) return address.trim()
  try {
    return decodeURIComponent(address).trim()
  } catch {
    return address.trim()
  }
}

/**
 * Role words: a mailbox made only of these (and qualifiers) belongs to a team or a machine, never
 * to one person, so it must not be a person key. Without separators and digits: `no-reply` is
 * checked as `noreply`, `info2` as `info`.
 */
const ROLE_WORDS: ReadonlySet<string> = new Set([
  'support', 'info', 'information', 'sales', 'help', 'helpdesk', 'servicedesk', 'admin', 'admins', 'administrator',
  'administration', 'billing', 'accounts', 'accounting', 'accountspayable', 'accountsreceivable', 'payable',
  'receivable', 'contact', 'contacts', 'contactus', 'hello', 'hi', 'noreply', 'donotreply', 'donotrespond',
  'mailerdaemon', 'daemon', 'postmaster', 'hostmaster', 'webmaster', 'abuse', 'security', 'privacy', 'gdpr', 'dpo',
  'compliance', 'legal', 'finance', 'payroll', 'payments', 'payment', 'invoice', 'invoices', 'invoicing', 'orders',
  'order', 'purchasing', 'procurement', 'office', 'team', 'staff', 'all', 'everyone', 'hr', 'humanresources', 'people',
  'jobs', 'job', 'careers', 'career', 'recruiting', 'recruitment', 'recruiter', 'talent', 'hiring', 'marketing', 'press',
  'media', 'news', 'newsletter', 'events', 'partners', 'partner', 'partnerships', 'service', 'services',
  'customerservice', 'customercare', 'care', 'enquiries', 'enquiry', 'inquiries', 'inquiry', 'questions', 'feedback',
  'it', 'ops', 'operations', 'devops', 'engineering', 'techsupport', 'reception', 'frontdesk', 'bookings', 'booking',
  'reservations', 'shop', 'store', 'returns', 'shipping', 'logistics', 'alerts', 'alert', 'notifications',
  'notification', 'notify', 'bounce', 'bounces', 'mail', 'email', 'inbox', 'root', 'sysadmin', 'system', 'calendar',
  'scheduling', 'management', 'board', 'investors', 'investor', 'community', 'social', 'training', 'success',
  'onboarding', 'renewals', 'licensing', 'contracts', 'vendors', 'suppliers', 'treasury', 'tax', 'audit', 'mailroom',
  'general', 'reply', 'test', 'testing', 'demo', 'trial', 'subscriptions', 'unsubscribe', 'marketplace', 'helpline', 'hotline',
])

/** Words that qualify a role (`support-eu`, `customer.care`, `salesteam`) but are not roles alone. */
const QUALIFIERS: ReadonlySet<string> = new Set([
  'eu', 'us', 'usa', 'uk', 'gb', 'de', 'fr', 'es', 'nl', 'se', 'no', 'dk', 'fi', 'pl', 'ch', 'at', 'be', 'ie', 'pt',
  'jp', 'cn', 'au', 'nz', 'ca', 'br', 'mx', 'in', 'sg', 'hk', 'emea', 'apac', 'amer', 'americas', 'latam', 'nordics',
  'dach', 'benelux', 'global', 'intl', 'international', 'hq', 'world', 'worldwide', 'dept', 'department', 'desk',
  'group', 'center', 'centre', 'box', 'line', 'main', 'central', 'local', 'online', 'web', 'site', 'customer',
  'customers', 'client', 'clients', 'tech', 'technical', 'product', 'direct', 'corporate', 'request', 'requests',
  'portal', 'hub',
])

const DIGITS = /\d+/g
const SEPARATORS = /[-_.]+/
const ALL_SEPARATORS = /[-_.]+/g

/**
 * True for role and shared mailboxes that never identify one person: support@, info2@, no-reply@,
 * support-eu@, customer.service@, salesteam@. Accepts a local part or a whole address.
 */
export function isGenericMailbox(localOrAddress: string): boolean {
  let local = localOrAddress.trim().toLowerCase()
  const at = local.indexOf('@')
  if (at !== -1) local = local.slice(0, at)
  const plus = local.indexOf('+')
  if (plus > 0) local = local.slice(0, plus)
  local = local.replace(DIGITS, '')
  if (ROLE_WORDS.has(local) || ROLE_WORDS.has(local.replace(ALL_SEPARATORS, ''))) return true
  let roles = 0
  for (const token of local.split(SEPARATORS)) {
    if (token === '') continue
    const kind = classifyMailboxWord(token)
    if (kind === undefined) return false
    if (kind === 'role') roles++
  }
  return roles > 0
}

function classifyMailboxWord(word: string): 'role' | 'qualifier' | undefined {
  if (ROLE_WORDS.has(word)) return 'role'
  if (QUALIFIERS.has(word)) return 'qualifier'
  // Two words run together: salesteam, customerservice, supportuk, itops.
  if (word.length < 5) return undefined
  for (let cut = 2; cut <= word.length - 2; cut++) {
    const head = word.slice(0, cut)
    const headRole = ROLE_WORDS.has(head)
    if (!headRole && !QUALIFIERS.has(head)) continue
    const tail = word.slice(cut)
    const tailRole = ROLE_WORDS.has(tail)
    if (!tailRole && !(headRole && QUALIFIERS.has(tail))) continue
    // A short role next to a two-letter qualifier is too likely a surname (Alles = all + es).
    const role = headRole ? head : tail
    if (!(headRole && tailRole) && role.length < 4 && Math.min(head.length, tail.length) < 3) continue
    return 'role'
  }
  return undefined
}

/**
 * Consumer mail providers: an address there says nothing about the person's employer, so the
 * domain must never become an organisation key. Exact domains, plus families registered under many
 * country domains (yahoo.co.jp, hotmail.fr, gmx.at, yandex.ru …).
 */
const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  // Global webmail
  'gmail.com', 'googlemail.com', 'icloud.com', 'me.com', 'mac.com', 'msn.com', 'passport.com', 'proton.me', 'pm.me',
  'protonmail.com', 'protonmail.ch', 'tutanota.com', 'tutanota.de', 'tuta.io', 'tutamail.com', 'keemail.me',
  'zoho.com', 'zohomail.com', 'zohomail.eu', 'fastmail.com', 'fastmail.fm', 'hey.com', 'mail.com', 'email.com',
  'usa.com', 'post.com', 'inbox.com', 'hushmail.com', 'runbox.com', 'lycos.com', 'excite.com', 'mailbox.org',
  'posteo.de', 'posteo.net', 'duck.com', 'skiff.com',
  // Europe
  'web.de', 't-online.de', 'freenet.de', 'arcor.de', 'online.de', 'mail.de', 'orange.fr', 'wanadoo.fr', 'free.fr',
  'sfr.fr', 'neuf.fr', 'laposte.net', 'bbox.fr', 'numericable.fr', 'libero.it', 'virgilio.it', 'alice.it', 'tin.it',
  'tiscali.it', 'email.it', 'btinternet.com', 'btopenworld.com', 'sky.com', 'talktalk.net', 'virginmedia.com',
  'ntlworld.com', 'blueyonder.co.uk', 'ziggo.nl', 'kpnmail.nl', 'home.nl', 'planet.nl', 'hetnet.nl', 'telenet.be',
  'skynet.be', 'bluewin.ch', 'online.no', 'telia.com', 'bredband.net', 'seznam.cz', 'centrum.cz', 'wp.pl', 'o2.pl',
  'onet.pl', 'interia.pl', 'op.pl', 'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'internet.ru', 'rambler.ru', 'ya.ru',
  'ukr.net', 'abv.bg', 'freemail.hu', 'sapo.pt',
  // Americas
  'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'cox.net', 'charter.net',
  'earthlink.net', 'optonline.net', 'frontier.com', 'frontiernet.net', 'windstream.net', 'centurylink.net',
  'juno.com', 'netzero.net', 'roadrunner.com', 'rr.com', 'mindspring.com', 'shaw.ca', 'rogers.com', 'sympatico.ca',
  'telus.net', 'videotron.ca', 'terra.com.br', 'uol.com.br', 'bol.com.br', 'ig.com.br', 'prodigy.net.mx',
  // Asia-Pacific
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn', 'sohu.com', 'aliyun.com',
  '139.com', 'naver.com', 'daum.net', 'hanmail.net', 'nate.com', 'rediffmail.com', 'bigpond.com', 'bigpond.net.au',
  'optusnet.com.au', 'iinet.net.au', 'xtra.co.nz', 'docomo.ne.jp', 'ezweb.ne.jp', 'softbank.ne.jp', 'nifty.com',
  // Disposable
  'mailinator.com', 'guerrillamail.com', 'sharklasers.com', '10minutemail.com', 'yopmail.com', 'temp-mail.org',
  'trashmail.com', 'maildrop.cc', 'getnada.com', 'dispostable.com',
])

/**
 * Consumer brands registered under many country domains. Vanity TLDs (.io, .ai, .co, .app …)
 * are excluded from the pattern: live.io or outlook.ai could be anybody's company.
 */
const FREE_MAIL_FAMILY =
  /^(?:yahoo|ymail|rocketmail|hotmail|outlook|live|windowslive|aol|gmx|yandex|protonmail)\.(?:com|net|(?!io$|ai$|co$|me$|tv$|ly$|gg$|sh$|so$|to$|fm$)[a-z]{2}|(?:co|com|ne|or|net|org)\.[a-z]{2})$/

/**
 * True for consumer and disposable mail domains (and their sub-domains: nyc.rr.com). Expects a
 * normalised (lower-case) domain, as {@link normalizeEmail} returns.
 */
export function isFreeMailDomain(domain: string): boolean {
  let candidate = domain
  for (;;) {
    if (FREE_MAIL_DOMAINS.has(candidate) || FREE_MAIL_FAMILY.test(candidate)) return true
    const dot = candidate.indexOf('.')
    // Stop before a bare top-level label: "com" alone is never a provider.
    if (dot === -1 || candidate.indexOf('.', dot + 1) === -1) return false
    candidate = candidate.slice(dot + 1)
  }
}
