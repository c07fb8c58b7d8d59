/**
 * What a connector module imports (`import { … } from 'customer-graph/connector'`): the live-API
 * contract, the credential schemas and the canonical record types. The built-in connectors use the
 * same contract through their own paths; docs/connectors.md explains it, and
 * examples/hubspot/connector.ts is a whole connector written against this entry only.
 */
export type {
  ApiConnector,
  ApiSession,
  ApiStream,
  CallOptions,
  CheckResult,
  OpenContext,
  SourceFailure,
  StreamContext,
  StatedDeletion,
  StreamPage,
} from './api-contract.ts'
export { SourceError } from './api-contract.ts'
export type { ApiLocation, LandedRecord, NormalizeContext, NormalizeIssue, NormalizeResult, RawRecord, RejectedInput } from './types.ts'
export type { CanonicalRecord, SourceRef } from '../schema/canonical.ts'
export { SYSTEM_NAME_PATTERN } from '../schema/canonical.ts'
export { httpUrl, oauthRefresh, Secret, secret } from '../sync/secret.ts'
