import { describe, expect, it } from 'vitest'
import { parseRecordRef } from './record-ref.ts'

describe('parseRecordRef', () => {
  it('reads a reference of a built-in system or of a system a connector module brings; the source id may hold colons', () => {
    expect(parseRecordRef(' slack:user:U024BE7LH ')).toEqual({ system: 'slack', objectType: 'user', sourceId: 'U024BE7LH' })
    expect(parseRecordRef('hubspot:contact:51')).toEqual({ system: 'hubspot', objectType: 'contact', sourceId: '51' })
    expect(parseRecordRef('hr-feed:employee:a:b')).toEqual({ system: 'hr-feed', objectType: 'employee', sourceId: 'a:b' })
  })

  it('is null for what only looks like one: URLs, tel: and mailto:, names with a colon, a blank id', () => {
    for (const text of ['https://acme.com:8080/x', 'tel:+46 8 123', 'mailto:jo@acme.com', 'Acme: sales team', 'Slack:user:U1', 'slack:user:', 'slack:user:a b', 'x:user:U1']) {
      expect(parseRecordRef(text), text).toBeNull()
    }
  })
})
