import { describe, expect, it } from 'vitest'
import { domainFromWebsite, registrableDomain } from './domain.ts'

describe('domainFromWebsite', () => {
  it.each([
    ['https://www.Acme.com/about', 'acme.com'],
    ['acme.com', 'acme.com'],
    ['ACME.COM', 'acme.com'],
    ['www.acme.co.uk', 'acme.co.uk'],
    ['http://www2.acme.com', 'acme.com'],
    ['http://acme.com:8080/x?y=1#z', 'acme.com'],
    ['https://acme.com./', 'acme.com'],
    ['acme.com:443', 'acme.com'],
    ['//acme.com/path', 'acme.com'],
    ['http:/acme.com', 'acme.com'],
    ['https://user:secret@acme.com', 'acme.com'],
    ['@acme.com', 'acme.com'],
    ['  acme.com; acme.de', 'acme.com'],
    ['shop.acme.com', 'shop.acme.com'],
    ['www.com', 'www.com'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['https://xn--mnchen-3ya.de', 'xn--mnchen-3ya.de'],
  ])('%j → %j', (raw, expected) => {
    expect(domainFromWebsite(raw)).toBe(expected)
  })

  it.each([
    '', '  ', 'N/A', 'acme', 'Acme Inc', 'localhost', 'localhost:3000', 'http://192.168.0.1', 'http://10.0.0.1:8080/',
    'http://[::1]/', 'www.expressl&t.net', 'acme..com', '-acme.com', 'acme.local', 'intranet.corp', 'www.', '.com',
  ])('rejects %j', (raw) => {
    expect(domainFromWebsite(raw)).toBeUndefined()
  })

  it('accepts null and undefined', () => {
    expect(domainFromWebsite(null)).toBeUndefined()
    expect(domainFromWebsite(undefined)).toBeUndefined()
  })
})

describe('registrableDomain', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['mail.eu.acme.com', 'acme.com'],
    ['WWW.Acme.COM.', 'acme.com'],
    ['acme.co.uk', 'acme.co.uk'],
    ['mail.acme.co.uk', 'acme.co.uk'],
    ['x.acme.com.au', 'acme.com.au'],
    ['acme.co.jp', 'acme.co.jp'],
    ['shop.acme.com.br', 'acme.com.br'],
    ['acme.uk', 'acme.uk'],
    ['acme.io', 'acme.io'],
    // tenants of hosting and SaaS platforms are separate organisations
    ['shop.acme.myshopify.com', 'acme.myshopify.com'],
    ['acme.github.io', 'acme.github.io'],
    ['acme.sharepoint.com', 'acme.sharepoint.com'],
    ['acme.my.salesforce.com', 'acme.my.salesforce.com'],
    ['slack.com', 'slack.com'],
    ['app.slack.com', 'app.slack.com'],
  ])('%j → %j', (host, expected) => {
    expect(registrableDomain(host)).toBe(expected)
  })

  it('is undefined for bare public suffixes and invalid hosts', () => {
    expect(registrableDomain('co.uk')).toBeUndefined()
    expect(registrableDomain('com.au')).toBeUndefined()
    expect(registrableDomain('localhost')).toBeUndefined()
    expect(registrableDomain('192.168.0.1')).toBeUndefined()
    expect(registrableDomain('')).toBeUndefined()
    expect(registrableDomain(undefined)).toBeUndefined()
  })

  it('gives websites and e-mail domains one key', () => {
    expect(registrableDomain(domainFromWebsite('https://www.acme.co.uk/contact'))).toBe(registrableDomain('mail.acme.co.uk'))
  })
})
