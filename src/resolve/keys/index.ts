/**
 * Match keys for identity resolution (DESIGN §6): pure normalisers that turn the emails, phones,
 * websites and names of canonical records into comparable keys. No IO, no state.
 */
export { domainFromWebsite, registrableDomain } from './domain.ts'
export { isFreeMailDomain, isGenericMailbox, normalizeEmail, type NormalizedEmail } from './email.ts'
export { foldText } from './fold.ts'
export { normalizeOrganizationName, organizationNameTokens } from './organization-name.ts'
export { foldName, foldedWordsCompatible, givenNamesCompatible, hasNicknameGroup, nicknameGroup, splitFullName, type NameParts } from './person-name.ts'
export { isGenericPhone, normalizePhone } from './phone.ts'
