import type { Rng } from './random.ts'

/** Formal first name and the short form people actually go by in chat, calendars and CRM. */
export const nicknamePairs: readonly (readonly [string, string])[] = [
  ['Robert', 'Bob'], ['Elizabeth', 'Liz'], ['William', 'Bill'], ['Katherine', 'Kate'], ['Michael', 'Mike'],
  ['James', 'Jim'], ['Jennifer', 'Jen'], ['Alexander', 'Alex'], ['Margaret', 'Peggy'], ['Thomas', 'Tom'],
  ['Christopher', 'Chris'], ['Daniel', 'Dan'], ['Joseph', 'Joe'], ['Matthew', 'Matt'], ['Anthony', 'Tony'],
  ['Patricia', 'Trish'], ['Susan', 'Sue'], ['Jonathan', 'Jon'], ['Nicholas', 'Nick'], ['Samantha', 'Sam'],
  ['Rebecca', 'Becky'], ['Andrew', 'Andy'], ['Benjamin', 'Ben'], ['Edward', 'Ted'], ['Victoria', 'Vicky'],
  ['Charles', 'Chuck'], ['Steven', 'Steve'], ['Deborah', 'Debbie'], ['Richard', 'Rick'], ['Jessica', 'Jess'],
  ['Abigail', 'Abby'], ['Zachary', 'Zack'],
]

/** Legal names whose bearers use an unrelated preferred name (Workday "Preferred Name"). */
export const preferredNamePairs: readonly (readonly [string, string, string])[] = [
  ['Xiaoming', 'Sam', 'Chen'], ['Jae-won', 'Jay', 'Kim'], ['Siddharth', 'Sid', 'Iyer'], ['Oluwaseun', 'Seun', 'Adeyemi'],
  ['Mei-Ling', 'May', 'Wang'], ['Giovanni', 'Gio', 'Rossi'], ['Guillermo', 'Memo', 'Morales'], ['Thanh', 'Tom', 'Nguyen'],
  ['Yoshiko', 'Yoko', 'Tanaka'], ['Aleksandr', 'Sasha', 'Volkov'],
]

export const diacriticFirstNames: readonly string[] = [
  'José', 'Zoë', 'Björn', 'Søren', 'François', 'Jürgen', 'Łukasz', 'Renée', 'Chloé', 'Noémie', 'Andrés', 'Inés',
  'Álvaro', 'Mónica', 'Sébastien', 'Jörg', 'Maëlle', 'Agnès', 'Håkan', 'Dagný', 'Zoltán', 'Ľubica', 'Çağla', 'Íñigo',
]

export const diacriticLastNames: readonly string[] = [
  'Ångström', 'García', 'Müller', 'Núñez', 'Østergaard', 'Pérez', 'Lefèvre', 'Gómez', 'Wójcik', 'Jäger', 'Hernández',
  'Åberg', 'Dvořák', 'Čapek', 'Öztürk', 'Šimić', 'Fernández', 'Bøe', 'Sánchez', 'Löfgren', 'Größer', 'Nørgaard',
]

const foldMap: Readonly<Record<string, string>> = {
  ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', ß: 'ss', æ: 'ae', Æ: 'AE', đ: 'd', Đ: 'D', ı: 'i', œ: 'oe', Œ: 'OE',
}

const asciiOnly = /^[\x20-\x7e]*$/

/** "Björn Ångström" → "Bjorn Angstrom": how many systems end up storing names typed on US keyboards. */
export function foldDiacritics(text: string): string {
  if (asciiOnly.test(text)) return text
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[øØłŁßæÆđĐıœŒ]/g, (char) => foldMap[char] ?? char)
}

export function hasDiacritics(text: string): boolean {
  return foldDiacritics(text) !== text
}

/** Lower-case ASCII letters and digits only: what survives into an e-mail local part. */
export function emailToken(name: string): string {
  return foldDiacritics(name).toLowerCase().replace(/[^a-z0-9]/g, '')
}

export type EmailPattern = 'first.last' | 'flast' | 'first_last' | 'firstl' | 'first'

export function emailLocalPart(first: string, last: string, pattern: EmailPattern): string {
  const f = emailToken(first) || 'x'
  const l = emailToken(last) || 'x'
  switch (pattern) {
    case 'first.last':
      return `${f}.${l}`
    case 'flast':
      return `${f.charAt(0)}${l}`
    case 'first_last':
      return `${f}_${l}`
    case 'firstl':
      return `${f}${l.charAt(0)}`
    case 'first':
      return f
  }
}

/** Returns local, local2, local3 … whichever is free in `used`, and records it. */
export function claimLocalPart(used: Set<string>, local: string): string {
  let candidate = local
  for (let n = 2; used.has(candidate); n++) candidate = `${local}${n}`
  used.add(candidate)
  return candidate
}

/**
 * A personal mailbox that is unique by construction: the number is an injective function of the
 * person number (multiplication modulo a prime larger than any person number), so no set is needed.
 */
export function personalEmail(rng: Rng, first: string, last: string, personNumber: number): string {
  const n = (personNumber * 7919 + 104_729) % 10_000_019
  const f = emailToken(first) || 'x'
  const l = emailToken(last) || 'x'
  const host = rng.weighted([['gmail.com', 60], ['yahoo.com', 12], ['outlook.com', 12], ['hotmail.com', 8], ['icloud.com', 8]] as const)
  const local = rng.weighted([[`${f}.${l}${n}`, 5], [`${f}${l}${n}`, 3], [`${f.charAt(0)}${l}${n}`, 2]] as const)
  return `${local}@${host}`
}

/** Random upper-casing of an e-mail as people type it (Jane.Doe@Acme.com); the address stays the same. */
export function emailCaseNoise(rng: Rng, email: string): string {
  const at = email.indexOf('@')
  const capitalise = (part: string): string => part.replace(/(^|[._-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase())
  return rng.weighted([
    [capitalise(email.slice(0, at)) + '@' + capitalise(email.slice(at + 1)), 3],
    [email.toUpperCase(), 1],
    [capitalise(email.slice(0, at)) + email.slice(at), 2],
  ] as const)
}

/** Stray whitespace a human or a bad import leaves in a name. */
export function whitespaceNoise(rng: Rng, name: string): string {
  return rng.weighted([[`${name} `, 3], [` ${name}`, 1], [name.replace(' ', '  '), 2]] as const)
}

export function slug(text: string): string {
  return foldDiacritics(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
}
