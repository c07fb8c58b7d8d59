import { describe, expect, it } from 'vitest'
import { isFreeMailDomain, isGenericMailbox, normalizeEmail } from './email.ts'

const address = (raw: string): string | undefined => normalizeEmail(raw)?.address

describe('normalizeEmail', () => {
  it('returns the address with its parts', () => {
    expect(normalizeEmail('  "Ada" <Ada+CRM@X.com>')).toMatchInlineSnapshot(`
      {
        "address": "ada@x.com",
        "domain": "x.com",
        "local": "ada",
      }
    `)
  })

  it.each([
    ['Ada.Lovelace@Acme.COM', 'ada.lovelace@acme.com'],
    ['  ada@acme.com\t', 'ada@acme.com'],
    ['mailto:ada@acme.com', 'ada@acme.com'],
    ['MAILTO:ada%40acme.com?subject=Hi', 'ada@acme.com'],
    ['<mailto:ada@acme.com>', 'ada@acme.com'],
    ['Ada Lovelace <ada@acme.com>', 'ada@acme.com'],
    ['"Lovelace, Ada" <ada@acme.com>', 'ada@acme.com'],
    ['"ada@acme.com" <ada@acme.com>', 'ada@acme.com'],
    ['ada@acme.com (Ada Lovelace)', 'ada@acme.com'],
    ['"ada@acme.com"', 'ada@acme.com'],
    ["'ada@acme.com'", 'ada@acme.com'],
    ['ada@acme.com.', 'ada@acme.com'],
  ])('cleans %j', (raw, expected) => {
    expect(address(raw)).toBe(expected)
  })

  it('removes plus-tags for every domain, but keeps a leading plus', () => {
    expect(address('ada+crm@acme.com')).toBe('ada@acme.com')
    expect(address('ada+a+b@outlook.com')).toBe('ada@outlook.com')
    expect(address('+ada@acme.com')).toBe('+ada@acme.com')
  })

  it('removes dots only for Gmail and maps googlemail.com to gmail.com', () => {
    expect(address('Ada.Love.Lace+news@gmail.com')).toBe('adalovelace@gmail.com')
    expect(address('a.d.a@googlemail.com')).toBe('ada@gmail.com')
    expect(address('ada.lovelace@outlook.com')).toBe('ada.lovelace@outlook.com')
    expect(address('...@gmail.com')).toBeUndefined()
  })

  it('normalises Unicode to NFC and internationalised domains to punycode', () => {
    const decomposed = 'jose\u0301@mu\u0308nchen.de'
    expect(normalizeEmail(decomposed)).toEqual({ address: 'josé@xn--mnchen-3ya.de', domain: 'xn--mnchen-3ya.de', local: 'josé' })
    expect(address('josé@xn--mnchen-3ya.de')).toBe('josé@xn--mnchen-3ya.de')
  })

  it.each([
    '', '   ', 'ada', 'ada.acme.com', '@acme.com', 'ada@', 'ada@acme', 'ada @acme.com', 'ada@ac me.com', 'a@b@acme.com',
    'ada@acme..com', 'ada@-acme.com', 'ada@192.168.0.1', 'ada@[192.168.0.1]', 'ada@localhost', 'ada@server.local',
    'Ada <ada@acme.com>, Bob <bob@acme.com>', 'ada@acme.com; bob@acme.com', 'Ada <ada@acme.com', 'a(b)@acme.com',
    `${'a'.repeat(65)}@acme.com`, 'ada\u0000@acme.com',
  ])('rejects %j', (raw) => {
    expect(normalizeEmail(raw)).toBeUndefined()
  })

  it('accepts null and undefined', () => {
    expect(normalizeEmail(undefined)).toBeUndefined()
    expect(normalizeEmail(null)).toBeUndefined()
  })
})

describe('isGenericMailbox', () => {
  it.each([
    'support', 'info', 'sales', 'help', 'admin', 'billing', 'accounts', 'contact', 'hello', 'noreply', 'no-reply',
    'no_reply', 'do-not-reply', 'donotreply', 'office', 'team', 'hr', 'jobs', 'careers', 'marketing', 'press', 'security',
    'abuse', 'postmaster', 'webmaster', 'mailer-daemon', 'finance', 'legal', 'service', 'enquiries', 'inquiries', 'orders',
    'invoices', 'it', 'ops', 'Support', 'SALES',
    // with digits, regions and teams
    'info2', 'support24', 'support-eu', 'sales.uk', 'uk-sales', 'sales_de', 'support-team', 'it-support',
    // run together
    'salesteam', 'supportuk', 'customerservice', 'customer.service', 'customer-care', 'helpdesk', 'itops', 'hrteam',
    'accounts.payable', 'accountspayable',
    // with a plus-tag or as a whole address
    'sales+crm', 'jobs@acme.com',
  ])('%j is generic', (local) => {
    expect(isGenericMailbox(local)).toBe(true)
  })

  it.each([
    'ada', 'ada.lovelace', 'alovelace', 'ada_lovelace', 'ada2', 'ada.sales', 'sales.ada', 'bill', 'will', 'bob', 'behr',
    'alles', 'allen', 'hilda', 'itamar', 'edith', 'dehr', 'teamlead.ada', 'presswood', 'infante', 'salesforce', 'jobson', '',
  ])('%j is a person', (local) => {
    expect(isGenericMailbox(local)).toBe(false)
  })
})

describe('isFreeMailDomain', () => {
  it.each([
    'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.com.br', 'yahoo.fr', 'yahoo.co.jp', 'ymail.com',
    'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'outlook.com', 'outlook.de', 'live.com', 'live.co.uk', 'msn.com',
    'aol.com', 'icloud.com', 'me.com', 'mac.com', 'proton.me', 'protonmail.com', 'protonmail.ch', 'gmx.de', 'gmx.net',
    'gmx.at', 'web.de', 'mail.ru', 'yandex.ru', 'yandex.com', 'qq.com', '163.com', 'zoho.com', 'fastmail.com', 'hey.com',
    'tutanota.com', 'orange.fr', 'free.fr', 't-online.de', 'libero.it', 'btinternet.com', 'comcast.net', 'verizon.net',
    'nyc.rr.com', 'mailinator.com',
  ])('%j is free mail', (domain) => {
    expect(isFreeMailDomain(domain)).toBe(true)
  })

  it.each(['acme.com', 'acme.co.uk', 'google.com', 'microsoft.com', 'live.io', 'outlook.ai', 'yahoo-inc.com', 'gmailer.com', 'co.uk', 'com'])(
    '%j is not free mail',
    (domain) => {
      expect(isFreeMailDomain(domain)).toBe(false)
    },
  )

  it('agrees with normalizeEmail on the domain form', () => {
    expect(isFreeMailDomain(normalizeEmail('Ada@GoogleMail.com')?.domain ?? '')).toBe(true)
  })
})
