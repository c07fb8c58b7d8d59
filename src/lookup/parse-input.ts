/**
 * Parses what a caller sends to the lookup, on every surface: the zod schema first (types, ranges,
 * unknown parameters), then what a schema cannot say about a query string. Anything wrong is
 * E_INVALID_QUERY naming the parameter, before a database is touched.
 */
import type { z } from 'zod'
import { CgError } from '../errors.ts'
import { LIMITS } from './lookup-schema.ts'

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidi overrides that hide text.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u
/** A query of wildcards, punctuation and spaces alone asks for everything: refused. */
const NOTHING_BUT_WILDCARDS = /^[\s*%_?.@+\-#:;,'"`~^$!|\\/()[\]{}<>=&]*$/u

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const parameter = issue.path.length > 0 ? issue.path.join('.') : unknownKey(issue) ?? '(input)'
    throw new CgError('E_INVALID_QUERY', `parameter ${parameter}: ${issue.message}`, { location: { parameter } })
  }
  const value = parsed.data as Record<string, unknown>
  if (typeof value.query === 'string') checkQuery(value.query, 'query')
  if (typeof value.handle === 'string') checkText(value.handle, 'handle', LIMITS.handleMaxLength)
  if (typeof value.entity_id === 'string') checkText(value.entity_id, 'entity_id', LIMITS.queryMaxLength)
  return parsed.data
}

/** A query: not empty, not too long, no control characters, not wildcards alone. */
export function checkQuery(text: string, parameter: string): void {
  checkText(text, parameter, LIMITS.queryMaxLength)
  if (NOTHING_BUT_WILDCARDS.test(text)) {
    throw new CgError('E_INVALID_QUERY', `parameter ${parameter}: give an email, name, domain, phone or id; wildcards and punctuation alone match nothing`, {
      location: { parameter },
    })
  }
}

function checkText(text: string, parameter: string, maxLength: number): void {
  if (text.trim() === '') throw new CgError('E_INVALID_QUERY', `parameter ${parameter} is empty`, { location: { parameter } })
  if (text.length > maxLength) {
    throw new CgError('E_INVALID_QUERY', `parameter ${parameter} is ${text.length} characters long; at most ${maxLength} are allowed`, { location: { parameter } })
  }
  const control = CONTROL.exec(text)
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).padStart(4, '0')
    throw new CgError('E_INVALID_QUERY', `parameter ${parameter} contains the control character U+${code} at position ${control.index}; remove it`, {
      location: { parameter },
    })
  }
}

function unknownKey(issue: z.core.$ZodIssue): string | undefined {
  return issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined
}
