import { describe, expect, it } from 'vitest'
import { diacriticFirstNames, diacriticLastNames, nicknamePairs } from '../../generate/names.ts'
import { NICKNAME_GROUPS } from './nicknames.ts'
import { foldName, foldedWordsCompatible, givenNamesCompatible, nicknameGroup, splitFullName } from './person-name.ts'

/** What a pass hands foldedWordsCompatible: the folded name's first word. */
const firstFolded = (name: string) => foldName(name).split(' ')[0]!

describe('foldName', () => {
  it.each([
    ['Zoë Ångström', 'zoe angstrom'],
    ['Søren Østergaard', 'soren ostergaard'],
    ['Größer', 'grosser'],
    ['Müller', 'muller'],
    ['Łukasz Wójcik', 'lukasz wojcik'],
    ['Æsa Bøe', 'aesa boe'],
    ['Dvořák', 'dvorak'],
    ['İnci Öztürk', 'inci ozturk'],
    ['Þór', 'thor'],
    ["O'Brien", 'obrien'],
    ['O’Brien', 'obrien'],
    ['Jean-Luc', 'jean luc'],
    ['  Ada   Lovelace ', 'ada lovelace'],
    ['J.R.R. Tolkien', 'j r r tolkien'],
    ['김민준', '김민준'],
    ['ガギ', 'ガギ'],
    ['...', ''],
  ])('%j → %j', (raw, expected) => {
    expect(foldName(raw)).toBe(expected)
  })

  it('folds every diacritic name the generator uses to plain ASCII', () => {
    for (const name of [...diacriticFirstNames, ...diacriticLastNames]) expect(foldName(name)).toMatch(/^[a-z]+$/)
  })
})

describe('splitFullName', () => {
  it.each([
    ['Ada Lovelace', { given: 'Ada', family: 'Lovelace' }],
    ['Lovelace, Ada', { given: 'Ada', family: 'Lovelace' }],
    ['Lovelace, Ada M.', { given: 'Ada', middle: 'M.', family: 'Lovelace' }],
    ['Mary Ann Smith', { given: 'Mary', middle: 'Ann', family: 'Smith' }],
    ['John Q. Public', { given: 'John', middle: 'Q.', family: 'Public' }],
    ['Dr. Ada M. Lovelace, PhD', { given: 'Ada', middle: 'M.', family: 'Lovelace' }],
    ['Prof. Dr. Hans Müller', { given: 'Hans', family: 'Müller' }],
    ['Mrs Jane Doe', { given: 'Jane', family: 'Doe' }],
    ['Martin Luther King Jr.', { given: 'Martin', middle: 'Luther', family: 'King' }],
    ['John Smith III', { given: 'John', family: 'Smith' }],
    ['Jane Doe, MD, MBA', { given: 'Jane', family: 'Doe' }],
    ['Smith, John, Jr.', { given: 'John', family: 'Smith' }],
    ['Smith Jr., John', { given: 'John', family: 'Smith' }],
    ['Ludwig van Beethoven', { given: 'Ludwig', family: 'van Beethoven' }],
    ['Maria de la Cruz', { given: 'Maria', family: 'de la Cruz' }],
    ['Vincent Van Der Berg', { given: 'Vincent', family: 'Van Der Berg' }],
    ['Eva St. Clair', { given: 'Eva', family: 'St. Clair' }],
    ['van Beethoven, Ludwig', { given: 'Ludwig', family: 'van Beethoven' }],
    ['Jean-Luc Picard', { given: 'Jean-Luc', family: 'Picard' }],
    ['  Zoë   Ångström ', { given: 'Zoë', family: 'Ångström' }],
    ['Madonna', { given: 'Madonna' }],
    ['Dr. Smith', { family: 'Smith' }],
    ['Robert "Bob" Smith', { given: 'Robert', family: 'Smith', nickname: 'Bob' }],
    ['Robert (Bob) Smith Jr.', { given: 'Robert', family: 'Smith', nickname: 'Bob' }],
    ["Robert 'Bob' O'Brien", { given: 'Robert', family: "O'Brien", nickname: 'Bob' }],
    ["Robert “Bobby” D'Angelo", { given: 'Robert', family: "D'Angelo", nickname: 'Bobby' }],
    ['Ada Lovelace (she/her)', { given: 'Ada', family: 'Lovelace' }],
    ['Ada Lovelace (Contractor)', { given: 'Ada', family: 'Lovelace' }],
    ['Ada Lovelace | Acme', { given: 'Ada', family: 'Lovelace' }],
    ['Ada Lovelace - Acme Corp', { given: 'Ada', family: 'Lovelace' }],
  ])('%j', (full, expected) => {
    expect(splitFullName(full)).toEqual({ given: undefined, middle: undefined, family: undefined, nickname: undefined, ...expected })
  })

  it('has no parts for empty values and e-mail addresses', () => {
    const none = { given: undefined, middle: undefined, family: undefined, nickname: undefined }
    expect(splitFullName('')).toEqual(none)
    expect(splitFullName('   ')).toEqual(none)
    expect(splitFullName(undefined)).toEqual(none)
    expect(splitFullName('ada@acme.com')).toEqual(none)
    expect(splitFullName('Jr.')).toEqual(none)
    expect(splitFullName('"Bob"')).toEqual({ ...none, nickname: 'Bob' })
  })
})

describe('nicknameGroup', () => {
  it('maps nicknames and their formal name to one shared group', () => {
    for (const name of ['Bob', 'Bobby', 'Rob', 'Robby', 'ROBERT', ' robert ']) expect(nicknameGroup(name)).toBe(nicknameGroup('Robert'))
    expect(nicknameGroup('Robert')).toEqual(['robert'])
    expect(nicknameGroup('Robbie')).toEqual(['robert', 'roberta'])
    expect(nicknameGroup('Peggy')).toEqual(['margaret'])
    expect(nicknameGroup('Liam')).toEqual(['william'])
    expect(nicknameGroup('Pepe')).toEqual(['jose'])
    expect(nicknameGroup('José')).toBe(nicknameGroup('Jose'))
    expect(nicknameGroup('Paco')).toEqual(['francisco'])
    expect(nicknameGroup('Björn')).toBe(nicknameGroup('Bjoern'))
    expect(nicknameGroup('Aleksandr')).toEqual(['alexander'])
  })

  it('returns every group of a shared short form', () => {
    expect(nicknameGroup('Chris')).toEqual(['christian', 'christine', 'christopher'])
    expect(nicknameGroup('Alex')).toEqual(expect.arrayContaining(['alexander', 'alexandra']))
    expect(nicknameGroup('Pat')).toEqual(['patricia', 'patrick'])
    expect(nicknameGroup('Sam')).toEqual(['samantha', 'samuel'])
    expect(nicknameGroup('Terry')).toEqual(['terence', 'teresa'])
    expect(nicknameGroup('Ted')).toEqual(['edward', 'theodore'])
    expect(nicknameGroup('Sasha')).toEqual(['alexander', 'alexandra'])
    expect(nicknameGroup('Sandra')).toEqual(['alexandra', 'sandra'])
  })

  it('is undefined for names in no group, and tries the first of several words', () => {
    expect(nicknameGroup('Xiaoming')).toBeUndefined()
    expect(nicknameGroup('')).toBeUndefined()
    expect(nicknameGroup('Mary Ann')).toEqual(['mary'])
  })

  it('has at least 120 groups with unique ids', () => {
    const ids = NICKNAME_GROUPS.map((line) => line.split(' ')[0])
    expect(ids.length).toBeGreaterThanOrEqual(120)
    expect(new Set(ids).size).toBe(ids.length)
    for (const line of NICKNAME_GROUPS) expect(line).toMatch(/^[a-z]+( [a-z]+)+$/)
  })

  it.each(nicknamePairs.map(([formal, nickname]) => [formal, nickname] as const))(
    'covers the generator pair %s / %s',
    (formal, nickname) => {
      expect(givenNamesCompatible(formal, nickname)).toBe(true)
      expect(nicknameGroup(nickname)).toEqual(expect.arrayContaining([...(nicknameGroup(formal) ?? ['missing'])]))
    },
  )
})

describe('givenNamesCompatible', () => {
  it.each([
    ['Robert', 'Bob'],
    ['bob', 'ROBERT'],
    ['Zoë', 'Zoe'],
    ['J.', 'John'],
    ['J', 'Jennifer'],
    ['Dan', 'Daniel'],
    ['Chris', 'Christian'],
    ['Chris', 'Christine'],
    ['Alex', 'Alexandra'],
    ['Ted', 'Theodore'],
    ['Ted', 'Edward'],
    ['Bill', 'Liam'],
    ['Peggy', 'Maggie'],
    ['Mary Ann', 'Mary'],
    ['Jean-Luc', 'Jean'],
    ['Jean-Luc', 'Jeanluc'],
    ['Sasha', 'Aleksandr'],
  ])('%j can be %j', (a, b) => {
    expect(givenNamesCompatible(a, b)).toBe(true)
    expect(givenNamesCompatible(b, a)).toBe(true)
    expect(foldedWordsCompatible(firstFolded(a), firstFolded(b))).toBe(true)
  })

  it.each([
    ['Robert', 'William'],
    ['Alexander', 'Alexandra'],
    ['Edward', 'Theodore'],
    ['Jo', 'John'],
    ['Bob', 'Bill'],
    ['K.', 'John'],
    ['Sam', 'Pat'],
    ['', 'Bob'],
    ['...', '...'],
  ])('%j cannot be %j', (a, b) => {
    expect(givenNamesCompatible(a, b)).toBe(false)
    expect(givenNamesCompatible(b, a)).toBe(false)
    expect(foldedWordsCompatible(firstFolded(a), firstFolded(b))).toBe(false)
  })
})
