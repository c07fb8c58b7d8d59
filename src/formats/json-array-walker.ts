import Assembler from 'stream-json/assembler.js'
import type { Token } from 'stream-json/parser.js'
import type { InputLocation } from '../connectors/types.ts'
import { describeLocation, FormatError } from './format-error.ts'
import { formatJsonPath } from './json-path.ts'

export interface JsonArrayItem {
  value: unknown
  /** Where the element sits in the file, e.g. $[12] or $.Report_Entry[3]. */
  path: string
}

/** Follows a token stream to the target array and assembles its elements one at a time. */
export class ArrayWalker {
  private readonly path: readonly string[]
  private readonly location: InputLocation
  private readonly basePath: string
  private readonly assembler = new Assembler()
  /** Containers open at the current token. */
  private depth = 0
  /** How many of the open containers are the objects leading to the target. */
  private onPath = 0
  private key: string | undefined
  private inTarget = false
  private found = false
  private index = 0

  constructor(path: readonly string[], location: InputLocation) {
    this.path = path
    this.location = location
    this.basePath = formatJsonPath('$', path)
  }

  consume(token: Token): JsonArrayItem | undefined {
    if (this.inTarget) {
      if (token.name === 'endArray' && this.assembler.done) {
        this.inTarget = false
        this.depth--
        return undefined
      }
      this.assembler.consume(token)
      return this.assembler.done ? { value: this.assembler.current, path: `${this.basePath}[${this.index++}]` } : undefined
    }
    if (token.name === 'keyValue') {
      this.key = token.value
      return undefined
    }
    if (token.name === 'endObject' || token.name === 'endArray') {
      this.depth--
      this.onPath = Math.min(this.onPath, this.depth)
      return undefined
    }
    const depth = this.depth
    if (!this.found && this.onPath === depth && (depth === 0 || this.key === this.path[depth - 1])) {
      const wanted = depth === this.path.length ? 'startArray' : 'startObject'
      if (token.name !== wanted) {
        const at = formatJsonPath('$', this.path.slice(0, depth))
        const what = wanted === 'startArray' ? 'an array' : `an object (on the way to ${this.basePath})`
        throw new FormatError('E_JSON_SHAPE', `${describeLocation(this.location)}: expected ${what} at ${at}, found ${describeToken(token)}.`, {
          ...this.location,
          path: at,
        })
      }
      if (wanted === 'startArray') this.inTarget = this.found = true
      else this.onPath++
    }
    if (token.name === 'startObject' || token.name === 'startArray') this.depth++
    return undefined
  }

  /** Inside the document still: it was cut short. */
  get open(): boolean {
    return this.depth > 0
  }

  /** At the end of the document: throws if the array was not in it. */
  finish(): void {
    if (!this.found) {
      throw new FormatError('E_JSON_SHAPE', `${describeLocation(this.location)}: the document has no array at ${this.basePath}.`, {
        ...this.location,
        path: this.basePath,
      })
    }
  }
}

function describeToken(token: Token): string {
  switch (token.name) {
    case 'startObject':
      return 'an object'
    case 'startArray':
      return 'an array'
    case 'stringValue':
      return 'a string'
    case 'numberValue':
      return 'a number'
    case 'nullValue':
      return 'null'
    default:
      return 'a boolean'
  }
}
