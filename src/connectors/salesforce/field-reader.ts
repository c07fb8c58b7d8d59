import type { SourceRef } from '../../schema/canonical.ts'
import { refTo, type NormalizeIssue } from '../types.ts'
import { objectTypeOfKeyPrefix, queueKeyPrefix, type SalesforceObjectType } from './object-types.ts'
import { salesforceKeyPrefix, toSalesforceId18 } from './salesforce-id.ts'
import { parseSalesforceBoolean, parseSalesforceDate, parseSalesforceDateTime, parseSalesforceNumber } from './values.ts'

/**
 * Typed access to the fields of a raw payload for normalize: trims text, drops blanks, parses booleans,
 * dates, numbers and ids, and records an issue (with the field as path) for a value it cannot read
 * instead of throwing. Values may be CSV strings (export) or JSON scalars (API).
 */
export interface FieldReader<K extends string> {
  text(key: K): string | undefined
  bool(key: K): boolean | undefined
  dateTime(key: K): string | undefined
  date(key: K): string | undefined
  number(key: K): number | undefined
  /** The 18-character id in the field, or undefined (with an issue when the value is not an id). */
  id(key: K): string | undefined
  /** The fields read through id() so far, so the remaining reference fields can be checked once. */
  readonly idFieldsRead: ReadonlySet<string>
  ref(key: K, objectType: SalesforceObjectType): SourceRef | undefined
  /** OwnerId: a User, or a queue (00G) that is not imported and so gives no reference. */
  ownerRef(key: K): SourceRef | undefined
  /** WhoId/WhatId point at several objects: the key prefix says which; other objects give no reference. */
  polymorphicRef(key: K, allowed: readonly SalesforceObjectType[]): SourceRef | undefined
}

/** The payload must have passed its raw schema, so the fields read are scalars (see raw.ts). */
export function fieldReader<K extends string>(payload: Readonly<Record<string, unknown>>, issues: NormalizeIssue[]): FieldReader<K> {
  const text = (key: K): string | undefined => {
    const value = payload[key]
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined
    const trimmed = String(value).trim()
    return trimmed === '' ? undefined : trimmed
  }
  const parsed = <T>(key: K, parse: (text: string) => T | undefined, expected: string, code: string): T | undefined => {
    const value = text(key)
    if (value === undefined) return undefined
    const result = parse(value)
    if (result === undefined) issues.push({ code, path: key, message: `${key} "${value}" is not ${expected}; the value is left out` })
    return result
  }
  const idFieldsRead = new Set<string>()
  const id = (key: K): string | undefined => {
    idFieldsRead.add(key)
    return parsed(key, (value) => toSalesforceId18(value) ?? undefined, 'a Salesforce id (15 or 18 letters and digits)', 'E_SF_REF_ID')
  }

  return {
    text,
    bool(key) {
      const value = payload[key]
      if (typeof value === 'boolean') return value
      return parsed(key, parseSalesforceBoolean, 'a boolean (true/false, TRUE/FALSE, 1/0)', 'E_SF_BOOLEAN')
    },
    dateTime: (key) => parsed(key, parseSalesforceDateTime, 'a datetime (2024-09-15T10:04:25.000Z, …+0000 or 02/23/26 08:55 PM)', 'E_SF_DATETIME'),
    date: (key) => parsed(key, parseSalesforceDate, 'a date (2024-09-15 or 02/23/26)', 'E_SF_DATE'),
    number(key) {
      const value = payload[key]
      if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
      return parsed(key, parseSalesforceNumber, 'a number', 'E_SF_NUMBER')
    },
    id,
    idFieldsRead,
    ref(key, objectType) {
      const value = id(key)
      return value === undefined ? undefined : refTo('salesforce', objectType, value)
    },
    ownerRef(key) {
      const value = id(key)
      if (value === undefined || salesforceKeyPrefix(value) === queueKeyPrefix) return undefined
      return refTo('salesforce', 'User', value)
    },
    polymorphicRef(key, allowed) {
      const value = id(key)
      if (value === undefined) return undefined
      const objectType = objectTypeOfKeyPrefix(salesforceKeyPrefix(value))
      return objectType !== undefined && allowed.includes(objectType) ? refTo('salesforce', objectType, value) : undefined
    },
  }
}

/** Drops the keys whose value is undefined, so canonical records carry only what the source states. */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T
}
