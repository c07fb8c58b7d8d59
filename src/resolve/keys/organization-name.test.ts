import { describe, expect, it } from 'vitest'
import { normalizeOrganizationName, organizationNameTokens } from './organization-name.ts'

describe('normalizeOrganizationName', () => {
  it('gives legal-form variants one key', () => {
    const keys = ['Acme, Inc.', 'ACME Incorporated', 'The Acme Company', 'Acme Corp.', 'acme corporation', 'Acme Co', 'Acme LLC', 'Acme Ltd', 'Acme Limited', '  Acme  ']
    expect(new Set(keys.map(normalizeOrganizationName))).toEqual(new Set(['acme']))
  })

  it.each([
    // English-speaking
    ['Procter & Gamble Co.', 'procter and gamble'],
    ['Ernst & Young LLP', 'ernst and young'],
    ['Smith & Co.', 'smith'],
    ['Acme Holdings Pty Ltd', 'acme holdings'],
    ['Acme Pte. Ltd.', 'acme'],
    ['Acme Private Limited', 'acme'],
    ['Barclays PLC', 'barclays'],
    ['Samsung Electronics Co., Ltd.', 'samsung electronics'],
    // German-speaking: umlauts fold to the bare vowel
    ['Müller GmbH', 'muller'],
    ['Müller GmbH & Co. KG', 'muller'],
    ['Muller', 'muller'],
    ['Mueller', 'mueller'],
    ['Siemens Aktiengesellschaft', 'siemens'],
    ['Volkswagen AG', 'volkswagen'],
    ['Beispiel UG (haftungsbeschränkt)', 'beispiel'],
    // Romance languages
    ['Société Générale S.A.', 'societe generale'],
    ['Acme SAS', 'acme'],
    ['Acme S.à r.l.', 'acme'],
    ['Banco Santander, S.A.', 'banco santander'],
    ['Grupo Bimbo, S.A.B. de C.V.', 'grupo bimbo'],
    ['Acme S. de R.L. de C.V.', 'acme'],
    ['Acme Ltda.', 'acme'],
    ['Fiat S.p.A.', 'fiat'],
    ['Acme S.r.l.', 'acme'],
    ['Smith y Cía', 'smith'],
    // Benelux and Nordics
    ['Koninklijke Philips N.V.', 'koninklijke philips'],
    ["N.V. Philips' Gloeilampenfabrieken", 'philips gloeilampenfabrieken'],
    ['Naamloze Vennootschap DSM', 'dsm'],
    ['AB SKF', 'skf'],
    ['Oy Karl Fazer Ab', 'karl fazer'],
    ['Acme B.V.', 'acme'],
    ['Volvo AB', 'volvo'],
    ['Telefonaktiebolaget LM Ericsson (publ)', 'telefonaktiebolaget lm ericsson'],
    ['Equinor ASA', 'equinor'],
    ['Maersk A/S', 'maersk'],
    ['Nokia Oyj', 'nokia'],
    ['Acme ApS', 'acme'],
    // Central and Eastern Europe, Asia
    ['Polska Grupa Sp. z o.o.', 'polska grupa'],
    ['Acme s.r.o.', 'acme'],
    ['ООО Ромашка', 'ромашка'],
    ['Kabushiki Kaisha Toshiba', 'toshiba'],
    ['Toshiba K.K.', 'toshiba'],
    ['株式会社日立製作所', '日立製作所'],
    ['トヨタ自動車株式会社', 'トヨタ自動車'],
    ['Acme Sdn. Bhd.', 'acme'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeOrganizationName(raw)).toBe(expected)
  })

  it.each([
    ['I.B.M.', 'ibm'],
    ['IBM Corp', 'ibm'],
    ['AT&T Inc.', 'at and t'],
    ['A T & T', 'at and t'],
    ['J.P. Morgan Chase & Co.', 'jp morgan chase'],
    ['Amazon.com, Inc.', 'amazon'],
    ['Booking.com B.V.', 'booking'],
    ["McDonald's Corporation", 'mcdonalds'],
    ['Hewlett-Packard', 'hewlett packard'],
    ['3M Company', '3m'],
    ['E.ON SE', 'e on'],
    ['Vitamin E Ltd', 'vitamin e'],
    ['Johnson & Johnson', 'johnson and johnson'],
    ['Ｆｕｌｌ Ｗｉｄｔｈ Ltd', 'full width'],
  ])('punctuation: %j → %j', (raw, expected) => {
    expect(normalizeOrganizationName(raw)).toBe(expected)
  })

  it('never removes the last word', () => {
    expect(normalizeOrganizationName('BT')).toBe('bt')
    expect(normalizeOrganizationName('The Limited')).toBe('limited')
    expect(normalizeOrganizationName('SE')).toBe('se')
  })

  it('keeps words that often name a different entity', () => {
    expect(normalizeOrganizationName('Acme Group Ltd')).toBe('acme group')
    expect(normalizeOrganizationName('Acme Holdings Inc')).toBe('acme holdings')
    expect(normalizeOrganizationName('Acme International')).toBe('acme international')
  })

  it.each(['', '   ', '-', '...', 'N/A', 'n.a.', '[not provided]', 'Unknown', 'None', 'Self-employed', 'Inc.', 'LLC', 'The Company', 'TBD'])(
    '%j has no key',
    (raw) => {
      expect(normalizeOrganizationName(raw)).toBeUndefined()
    },
  )

  it('accepts null and undefined', () => {
    expect(normalizeOrganizationName(undefined)).toBeUndefined()
    expect(normalizeOrganizationName(null)).toBeUndefined()
  })
})

describe('organizationNameTokens', () => {
  it('gives the distinct identifying words of the key', () => {
    expect(organizationNameTokens('The Bank of Nova Scotia')).toEqual(['bank', 'nova', 'scotia'])
    expect(organizationNameTokens('Müller & Söhne GmbH')).toEqual(['muller', 'sohne'])
    expect(organizationNameTokens('Hahn and Hahn LLC')).toEqual(['hahn'])
    expect(organizationNameTokens('Ruecker, Bradtke and Ankunding')).toEqual(['ruecker', 'bradtke', 'ankunding'])
  })

  it('keeps a name made only of stop words, and is empty without a key', () => {
    expect(organizationNameTokens('Der Die Das')).toEqual(['der', 'die', 'das'])
    expect(organizationNameTokens('N/A')).toEqual([])
  })
})
