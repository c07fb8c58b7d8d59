import { describe, expect, it } from 'vitest'
import { IMAGE_REMOVED, LINK_REMOVED, sanitizeLine, sanitizeText } from './sanitize-text.ts'

describe('sanitizeText', () => {
  it('strips control, bidi and zero-width characters but keeps lines and tabs', () => {
    expect(sanitizeText('a\u0007b\u202Ec\u200Bd\u0000e\nf\tg\u0085', 100)).toBe('abcde\nf\tg')
  })

  it('removes images in markdown, HTML and data URIs', () => {
    const text = 'look ![pixel](https://evil.example/p.png?u=1) <img src="https://evil.example/a.gif"> data:image/png;base64,iVBORw0KGgoAAAANS'
    const clean = sanitizeText(text, 500)
    expect(clean).not.toContain('evil.example')
    expect(clean).not.toContain('base64')
    expect(clean.split(IMAGE_REMOVED)).toHaveLength(4)
  })

  it('keeps links to the source systems and removes every other', () => {
    const text = 'see <https://evil.example/login|our portal>, [docs](http://evil.example/x), https://evil.example/y and https://acme.slack.com/archives/C1 or https://acme.my.salesforce.com/003'
    const clean = sanitizeText(text, 500)
    expect(clean).toBe(`see our portal ${LINK_REMOVED}, docs ${LINK_REMOVED}, ${LINK_REMOVED} and https://acme.slack.com/archives/C1 or https://acme.my.salesforce.com/003`)
  })

  it('finds links Slack escaped as entities', () => {
    expect(sanitizeText('&lt;https://evil.example|click&gt; &amp; more', 100)).toBe(`click ${LINK_REMOVED} & more`)
  })

  it('cuts long text with an ellipsis, never inside a surrogate pair', () => {
    expect(sanitizeText('abcdef', 4)).toBe('abc…')
    expect(sanitizeText('ab😀cd', 4)).toBe('ab…')
  })

  it('makes a single clean line of a short value', () => {
    expect(sanitizeLine('  Renewal\n\treview\u0007 ')).toBe('Renewal review')
    expect(sanitizeLine('\u0000')).toBeNull()
    expect(sanitizeLine(undefined)).toBeNull()
  })
})
