import { toSalesforceId18 } from '../../../src/connectors/salesforce/salesforce-id.ts'
import type { FieldDescription, FieldValue, SalesforceOrg, SObjectRecord, SObjectTable } from './org.ts'

/**
 * The SOQL subset a sync issues, enough to be strict about it:
 *
 *   SELECT <field>, … | COUNT() FROM <Object>
 *   [WHERE <cond> {AND|OR} …, NOT, parentheses; cond = field (= != <> < <= > >=) literal | field [NOT] IN (…)]
 *   [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n]
 *
 * Literals: 'text' (backslash escapes), true/false, null, numbers, dates 2024-01-31 and datetimes
 * 2024-01-31T10:00:00Z / …00.000Z / …00+02:00 (unquoted, as SOQL wants them). Relationship paths
 * (Account.Name), subqueries, GROUP BY, LIKE, date literals (LAST_N_DAYS:n), FIELDS() and TYPEOF are
 * not implemented and fail as MALFORMED_QUERY. Errors carry the errorCode and message form Salesforce
 * uses (INVALID_FIELD and INVALID_TYPE with the caret picture, MALFORMED_QUERY, …).
 */

export class SoqlError extends Error {
  readonly errorCode: string

  constructor(errorCode: string, message: string) {
    super(message)
    this.errorCode = errorCode
  }
}

type TokenKind = 'word' | 'string' | 'number' | 'datetime' | 'date' | 'op' | 'punct' | 'end'

interface Token {
  kind: TokenKind
  text: string
  /** 1-based column, for the caret picture in error messages. */
  column: number
}

type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: number }

type Operator = '=' | '!=' | '<' | '<=' | '>' | '>='

type Expression =
  | { kind: 'and' | 'or'; left: Expression; right: Expression }
  | { kind: 'not'; expression: Expression }
  | { kind: 'compare'; field: FieldDescription; operator: Operator; literal: Literal }
  | { kind: 'in'; field: FieldDescription; literals: Literal[]; negated: boolean }

export interface OrderTerm {
  field: FieldDescription
  descending: boolean
  nullsFirst: boolean
}

export interface CompiledQuery {
  soql: string
  table: SObjectTable
  /** Selected fields in canonical spelling; empty for COUNT(). */
  fields: FieldDescription[]
  count: boolean
  where: Expression | undefined
  orderBy: OrderTerm[]
  limit: number | undefined
  offset: number
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})/
const DATE = /^\d{4}-\d{2}-\d{2}/

function tokenize(soql: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < soql.length) {
    const char = soql.charAt(i)
    if (/\s/.test(char)) {
      i++
      continue
    }
    const rest = soql.slice(i)
    const column = i + 1
    const dateTime = DATE_TIME.exec(rest)
    const date = DATE.exec(rest)
    if (dateTime) {
      tokens.push({ kind: 'datetime', text: dateTime[0], column })
      i += dateTime[0].length
    } else if (date) {
      tokens.push({ kind: 'date', text: date[0], column })
      i += date[0].length
    } else if (/[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_][A-Za-z0-9_.]*(?::[A-Za-z0-9_]+)?/.exec(rest)?.[0] ?? char
      tokens.push({ kind: 'word', text: word, column })
      i += word.length
    } else if (/[-0-9]/.test(char) && /^-?\d/.test(rest)) {
      const number = /^-?\d+(?:\.\d+)?/.exec(rest)?.[0] ?? char
      tokens.push({ kind: 'number', text: number, column })
      i += number.length
    } else if (char === "'") {
      let value = ''
      let j = i + 1
      for (; j < soql.length && soql.charAt(j) !== "'"; j++) {
        if (soql.charAt(j) === '\\') j++
        value += soql.charAt(j)
      }
      if (j >= soql.length) throw malformed(soql, column, `unexpected token: '${rest}'`)
      tokens.push({ kind: 'string', text: value, column })
      i = j + 1
    } else {
      const op = /^(!=|<>|<=|>=|=|<|>)/.exec(rest)?.[0]
      if (op) {
        tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op, column })
        i += op.length
      } else if ('(),'.includes(char)) {
        tokens.push({ kind: 'punct', text: char, column })
        i++
      } else {
        throw malformed(soql, column, `unexpected token: '${char}'`)
      }
    }
  }
  tokens.push({ kind: 'end', text: '<EOF>', column: soql.length + 1 })
  return tokens
}

/** Salesforce's own error picture: the query, a caret under the column, then the reason. */
function picture(soql: string, column: number, reason: string): string {
  return `\n${soql}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:1:Column:${column}\n${reason}`
}

function malformed(soql: string, column: number, reason: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', picture(soql, column, reason))
}

class Parser {
  readonly #soql: string
  readonly #tokens: Token[]
  readonly #org: SalesforceOrg
  #position = 0

  constructor(soql: string, org: SalesforceOrg) {
    this.#soql = soql
    this.#tokens = tokenize(soql)
    this.#org = org
  }

  parse(): CompiledQuery {
    this.#keyword('SELECT')
    const selected: Token[] = []
    let count = false
    if (this.#peekWord('COUNT') && this.#tokens[this.#position + 1]?.text === '(') {
      this.#position += 2
      this.#punct(')')
      count = true
    } else {
      do selected.push(this.#word('field name'))
      while (this.#acceptPunct(','))
    }
    this.#keyword('FROM')
    const objectToken = this.#word('object name')
    const table = this.#org.table(objectToken.text)
    if (!table) {
      throw new SoqlError(
        'INVALID_TYPE',
        picture(
          this.#soql,
          objectToken.column,
          `sObject type '${objectToken.text}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
        ),
      )
    }
    const fields = selected.map((token) => this.#field(table, token))
    const seen = new Set<string>()
    for (const [index, field] of fields.entries()) {
      if (seen.has(field.name)) throw new SoqlError('INVALID_FIELD', picture(this.#soql, selected[index]?.column ?? 1, `duplicate field selected: ${field.name}`))
      seen.add(field.name)
    }
    let where: Expression | undefined
    if (this.#acceptKeyword('WHERE')) where = this.#or(table)
    const orderBy: OrderTerm[] = []
    if (this.#acceptKeyword('ORDER')) {
      this.#keyword('BY')
      do {
        const field = this.#field(table, this.#word('field name'))
        const descending = this.#acceptKeyword('DESC') ? true : (this.#acceptKeyword('ASC'), false)
        let nullsFirst = !descending
        if (this.#acceptKeyword('NULLS')) nullsFirst = this.#acceptKeyword('FIRST') ? true : (this.#keyword('LAST'), false)
        orderBy.push({ field, descending, nullsFirst })
      } while (this.#acceptPunct(','))
    }
    let limit: number | undefined
    if (this.#acceptKeyword('LIMIT')) limit = this.#wholeNumber()
    let offset = 0
    if (this.#acceptKeyword('OFFSET')) offset = this.#wholeNumber()
    const end = this.#peek()
    if (end.kind !== 'end') throw malformed(this.#soql, end.column, `unexpected token: '${end.text}'`)
    return { soql: this.#soql, table, fields, count, where, orderBy, limit, offset }
  }

  #or(table: SObjectTable): Expression {
    let left = this.#and(table)
    while (this.#acceptKeyword('OR')) left = { kind: 'or', left, right: this.#and(table) }
    return left
  }

  #and(table: SObjectTable): Expression {
    let left = this.#unary(table)
    while (this.#acceptKeyword('AND')) left = { kind: 'and', left, right: this.#unary(table) }
    return left
  }

  #unary(table: SObjectTable): Expression {
    if (this.#acceptKeyword('NOT')) return { kind: 'not', expression: this.#unary(table) }
    if (this.#acceptPunct('(')) {
      const inner = this.#or(table)
      this.#punct(')')
      return inner
    }
    const field = this.#field(table, this.#word('field name'))
    const negated = this.#acceptKeyword('NOT')
    if (this.#acceptKeyword('IN')) {
      this.#punct('(')
      const literals: Literal[] = []
      do literals.push(this.#literal(field, '='))
      while (this.#acceptPunct(','))
      this.#punct(')')
      return { kind: 'in', field, literals, negated }
    }
    if (negated) throw this.#unexpected()
    const operatorToken = this.#peek()
    if (operatorToken.kind !== 'op') throw this.#unexpected()
    this.#position++
    const operator = operatorToken.text as Operator
    return { kind: 'compare', field, operator, literal: this.#literal(field, operator) }
  }

  /** Reads a literal and checks it fits the field's type, with Salesforce's INVALID_FIELD wording. */
  #literal(field: FieldDescription, operator: Operator): Literal {
    const token = this.#peek()
    this.#position++
    const lower = token.text.toLowerCase()
    if (token.kind === 'word' && lower === 'null') {
      if (operator !== '=' && operator !== '!=') throw this.#invalidField(token, `invalid operator on null value for field ${field.name}`)
      return { kind: 'null' }
    }
    const mismatch = (typeName: string, quoted: boolean): SoqlError =>
      this.#invalidField(
        token,
        `value of filter criterion for field '${field.name}' must be of type ${typeName} and ${quoted ? 'should be enclosed in quotes' : 'should not be enclosed in quotes'}`,
      )
    switch (field.type) {
      case 'datetime':
        if (token.kind !== 'datetime') throw mismatch('dateTime', false)
        return { kind: 'datetime', value: Date.parse(token.text) }
      case 'date':
        if (token.kind !== 'date') throw mismatch('date', false)
        return { kind: 'date', value: token.text }
      case 'boolean':
        if (token.kind !== 'word' || (lower !== 'true' && lower !== 'false')) throw mismatch('boolean', false)
        if (operator !== '=' && operator !== '!=') throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', picture(this.#soql, token.column, `invalid operator on boolean field: ${field.name}`))
        return { kind: 'boolean', value: lower === 'true' }
      case 'int':
      case 'double':
      case 'currency':
      case 'percent':
        if (token.kind !== 'number') throw mismatch(field.type === 'int' ? 'integer' : 'double', false)
        return { kind: 'number', value: Number(token.text) }
      case 'id':
      case 'reference': {
        if (token.kind !== 'string') throw mismatch('string', true)
        const id = toSalesforceId18(token.text)
        if (!id) throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', picture(this.#soql, token.column, `invalid ID field: ${token.text}`))
        return { kind: 'string', value: id }
      }
      default:
        if (token.kind !== 'string') throw mismatch('string', true)
        return { kind: 'string', value: token.text }
    }
  }

  #field(table: SObjectTable, token: Token): FieldDescription {
    const field = this.#org.field(table, token.text)
    if (field) return field
    throw this.#invalidField(
      token,
      `No such column '${token.text}' on entity '${table.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    )
  }

  #invalidField(token: Token, reason: string): SoqlError {
    return new SoqlError('INVALID_FIELD', picture(this.#soql, token.column, reason))
  }

  #wholeNumber(): number {
    const token = this.#peek()
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw this.#unexpected()
    this.#position++
    return Number(token.text)
  }

  #peek(): Token {
    return this.#tokens[this.#position] ?? { kind: 'end', text: '<EOF>', column: this.#soql.length + 1 }
  }

  #peekWord(word: string): boolean {
    const token = this.#peek()
    return token.kind === 'word' && token.text.toUpperCase() === word
  }

  #acceptKeyword(word: string): boolean {
    if (!this.#peekWord(word)) return false
    this.#position++
    return true
  }

  #keyword(word: string): void {
    if (!this.#acceptKeyword(word)) throw this.#unexpected()
  }

  #word(_what: string): Token {
    const token = this.#peek()
    if (token.kind !== 'word') throw this.#unexpected()
    if (token.text.includes('.') || token.text.includes(':')) throw this.#unexpected()
    this.#position++
    return token
  }

  #acceptPunct(char: string): boolean {
    const token = this.#peek()
    if (token.kind !== 'punct' || token.text !== char) return false
    this.#position++
    return true
  }

  #punct(char: string): void {
    if (!this.#acceptPunct(char)) throw this.#unexpected()
  }

  #unexpected(): SoqlError {
    const token = this.#peek()
    return malformed(this.#soql, token.column, `unexpected token: '${token.text}'`)
  }
}

/** Parses and checks a SOQL statement against the org's objects and fields; throws SoqlError. */
export function compileSoql(soql: string, org: SalesforceOrg): CompiledQuery {
  return new Parser(soql, org).parse()
}

/** Orders two values of one field; null when either is null (callers place nulls). */
function compareValues(field: FieldDescription, a: FieldValue, b: Literal | FieldValue): number {
  const right = literalValue(b)
  if (a === null || right === null) return 0
  switch (field.type) {
    case 'datetime':
      return Date.parse(String(a)) - (typeof right === 'number' ? right : Date.parse(String(right)))
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return Number(a) - Number(right)
    case 'boolean':
      return Number(a) - Number(right)
    case 'id':
    case 'reference':
    case 'date':
      // Ids are base-62 in ASCII order (0-9, A-Z, a-z), so code-unit order is Salesforce's order.
      return String(a) < String(right) ? -1 : String(a) > String(right) ? 1 : 0
    default: {
      const left = String(a).toLowerCase()
      const other = String(right).toLowerCase()
      return left < other ? -1 : left > other ? 1 : 0
    }
  }
}

function literalValue(value: Literal | FieldValue): FieldValue {
  if (value === null || typeof value !== 'object') return value
  switch (value.kind) {
    case 'null':
      return null
    default:
      return value.value
  }
}

function evaluate(expression: Expression, record: SObjectRecord): boolean {
  switch (expression.kind) {
    case 'and':
      return evaluate(expression.left, record) && evaluate(expression.right, record)
    case 'or':
      return evaluate(expression.left, record) || evaluate(expression.right, record)
    case 'not':
      return !evaluate(expression.expression, record)
    case 'in': {
      const value = record[expression.field.name] ?? null
      const found = value !== null && expression.literals.some((literal) => literalValue(literal) !== null && compareValues(expression.field, value, literal) === 0)
      return expression.negated ? !found : found
    }
    case 'compare': {
      const value = record[expression.field.name] ?? null
      const { operator, literal } = expression
      if (literal.kind === 'null') return operator === '=' ? value === null : value !== null
      if (value === null) return operator === '!='
      const order = compareValues(expression.field, value, literal)
      switch (operator) {
        case '=':
          return order === 0
        case '!=':
          return order !== 0
        case '<':
          return order < 0
        case '<=':
          return order <= 0
        case '>':
          return order > 0
        case '>=':
          return order >= 0
      }
    }
  }
}

/** Runs a compiled query over the org's records; `includeDeleted` is queryAll. */
export function runQuery(query: CompiledQuery, includeDeleted: boolean): SObjectRecord[] {
  let rows = [...query.table.records.values()].filter((record) => includeDeleted || record.IsDeleted !== true)
  if (query.where) {
    const where = query.where
    rows = rows.filter((record) => evaluate(where, record))
  }
  if (query.orderBy.length > 0) {
    rows.sort((a, b) => {
      for (const term of query.orderBy) {
        const left = a[term.field.name] ?? null
        const right = b[term.field.name] ?? null
        if (left === null || right === null) {
          if (left === right) continue
          return (left === null) === term.nullsFirst ? -1 : 1
        }
        const order = compareValues(term.field, left, right)
        if (order !== 0) return term.descending ? -order : order
      }
      return 0
    })
  }
  rows = rows.slice(query.offset)
  return query.limit === undefined ? rows : rows.slice(0, query.limit)
}

/**
 * The query with every datetime literal compared to SystemModstamp moved `ms` earlier: a changes
 * window that restarts before the position the client asked for (state.modstampOverlapMs).
 */
export function withModstampWindowEarlier(query: CompiledQuery, ms: number): CompiledQuery {
  const shift = (expression: Expression): Expression => {
    switch (expression.kind) {
      case 'and':
      case 'or':
        return { ...expression, left: shift(expression.left), right: shift(expression.right) }
      case 'not':
        return { ...expression, expression: shift(expression.expression) }
      case 'compare':
        return expression.field.name === 'SystemModstamp' && expression.literal.kind === 'datetime'
          ? { ...expression, literal: { kind: 'datetime', value: expression.literal.value - ms } }
          : expression
      case 'in':
        return expression
    }
  }
  return ms === 0 || query.where === undefined ? query : { ...query, where: shift(query.where) }
}
