import { describe, expect, it } from 'vitest'
import { redact } from './redact.ts'

describe('redact', () => {
  it('masks the given values wherever they appear, in any case, longest first', () => {
    const document = { record: 'google:contact:Ada.L@Example.org', text: ['call +44 20 7946 0958 or +442079460958'], n: 3 }
    const values = [
      { text: 'ada.l@example.org', kind: 'email' as const },
      { text: '+44 20 7946 0958', kind: 'phone' as const },
      { text: '+442079460958', kind: 'phone' as const },
    ]
    expect(redact(document, values)).toEqual({ record: 'google:contact:a•••@example.org', text: ['call +••••••••••58 or +••••••••••58'], n: 3 })
  })

  it("masks an address at a free-mail domain whoever's it is, and keeps work addresses", () => {
    const text = 'Gilda asked me to share hers, Gilda.M@outlook.com; mine is ben@quorrow-works.io, <mailto:x.y@gmail.com|x.y@gmail.com>.'
    expect(redact({ text }, [])).toEqual({ text: 'Gilda asked me to share hers, G•••@outlook.com; mine is ben@quorrow-works.io, <mailto:x•••@gmail.com|x•••@gmail.com>.' })
  })
})
