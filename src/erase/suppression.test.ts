import { describe, expect, it } from 'vitest'
import { ERASED, nameValue, phoneValue, Suppression, suppressionHash } from './suppression.ts'

const suppression = new Suppression({
  record: new Set([suppressionHash('record', 'slack:user:U0ERASED01')]),
  identifier: new Set(['ada@example.com', 'U0ERASED01', '0031234567890ABCDE'].map((value) => suppressionHash('identifier', value))),
  context: new Set([suppressionHash('context', nameValue('Ada Lovelace')), suppressionHash('context', phoneValue('+44 20 7946 0958'))]),
})

describe('Suppression', () => {
  it('keeps no value: a hash is salted SHA-256 of the normalised value, the same for any case and spacing', () => {
    const hash = suppressionHash('identifier', ' Ada@Example.com ')
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(hash).toBe(suppressionHash('identifier', 'ada@example.com'))
    expect(hash).not.toBe(suppressionHash('context', 'ada@example.com'))
    expect(suppressionHash('context', phoneValue('(020) 7946-0958'))).toBe(suppressionHash('context', phoneValue('020 7946 0958')))
  })

  it('recognises an erased record by its reference and an erased email as written or by its key', () => {
    expect(suppression.suppressesRecord('slack:user:U0ERASED01')).toBe(true)
    expect(suppression.suppressesRecord('slack:user:U0OTHER001')).toBe(false)
    expect(suppression.suppressesEmail('ADA+crm@example.com')).toBe(true)
    expect(suppression.suppressesEmail('bob@example.com')).toBe(false)
  })

  it('scrubs identifiers wherever they stand, and names and phones only in a record that holds one', () => {
    const message = {
      user: 'U0ERASED01',
      text: 'Ada Lovelace said: call <@U0ERASED01> on +44 20 7946 0958 or mail ADA@example.com, cc Bob',
      reactions: [{ users: ['U0OTHER001', 'U0ERASED01'] }],
      account: '0031234567890ABCDE',
    }
    expect(suppression.scrub(message)).toEqual({
      user: ERASED,
      text: `${ERASED} said: call <@${ERASED}> on ${ERASED} or mail ${ERASED}, cc Bob`,
      reactions: [{ users: ['U0OTHER001', ERASED] }],
      account: ERASED,
    })
    // A namesake: the name alone scrubs nothing.
    expect(suppression.scrub({ Name: 'Ada Lovelace', Email: 'ada.l@elsewhere.org' })).toBeUndefined()
    // An id inside a longer id is another id.
    expect(suppression.scrub({ id: 'XU0ERASED012' })).toBeUndefined()
  })

  it('does nothing when nobody was erased', () => {
    expect(Suppression.none.isEmpty).toBe(true)
    expect(Suppression.none.scrub({ email: 'ada@example.com' })).toBeUndefined()
    expect(Suppression.none.suppressesEmail('ada@example.com')).toBe(false)
  })
})
