/**
 * Loads the connections file: reads it, imports the connector modules it names (`module:`, a path
 * relative to the file or a package name), and validates every entry through its connector. The
 * built-in connectors come from connectors/registry.ts; a module is held to the same contract.
 */
import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import type { ApiConnector } from '../connectors/api-contract.ts'
import { apiConnectors } from '../connectors/registry.ts'
import { CgError, errorMessage } from '../errors.ts'
import { SYSTEM_NAME_PATTERN } from '../schema/canonical.ts'
import { parseConnectionsFile, type ConnectionsFile, type ConnectorCatalog } from './connections-config.ts'

export const DEFAULT_CONNECTIONS_FILE = 'customer-graph.yaml'

export async function loadConnectionsFile(file: string, env: Readonly<Record<string, string | undefined>>): Promise<ConnectionsFile> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT'
    throw new CgError('E_CONFIG', missing ? `${file}: no connections file here; write one (README: "Live sync") or pass --config <file>` : `${file}: cannot read the connections file (${errorMessage(error)})`, {
      location: { file },
    })
  }
  const modules = new Map<string, ApiConnector>()
  for (const specifier of moduleSpecifiers(text)) modules.set(specifier, await importConnector(specifier, file))
  return parseConnectionsFile(text, file, env, catalogOf(modules))
}

export function catalogOf(modules: ReadonlyMap<string, ApiConnector> = new Map()): ConnectorCatalog {
  return {
    system: (name) => (Object.hasOwn(apiConnectors, name) ? apiConnectors[name] : undefined),
    module: (specifier) => modules.get(specifier),
    systems: () => Object.keys(apiConnectors),
  }
}

/** The `module:` values of the file's connections; a file that does not parse is reported by the full parse. */
function moduleSpecifiers(text: string): string[] {
  let document: unknown
  try {
    document = parse(text)
  } catch {
    return []
  }
  const connections = (document as { connections?: unknown } | null)?.connections
  if (connections === null || typeof connections !== 'object') return []
  const specifiers = Object.values(connections).flatMap((entry: unknown) => {
    const specifier = (entry as { module?: unknown } | null)?.module
    return typeof specifier === 'string' && specifier !== '' ? [specifier] : []
  })
  return [...new Set(specifiers)]
}

async function importConnector(specifier: string, file: string): Promise<ApiConnector> {
  const relative = specifier.startsWith('.') || isAbsolute(specifier)
  const target = relative ? pathToFileURL(resolve(dirname(file), specifier)).href : specifier
  let loaded: Record<string, unknown>
  try {
    loaded = (await import(target)) as Record<string, unknown>
  } catch (error) {
    throw new CgError('E_CONFIG', `${file}: connector module "${specifier}" did not load (${errorMessage(error)})`, { location: { file, path: 'module' } })
  }
  const connector = (loaded.default ?? loaded.connector) as Partial<ApiConnector> | undefined
  const missing = ['system', 'settings', 'open', 'normalize'].filter((key) => connector?.[key as keyof ApiConnector] === undefined)
  if (!connector || missing.length > 0) {
    throw new CgError('E_CONFIG', `${file}: connector module "${specifier}" must export a connector (default export or \`connector\`) with system, settings, open and normalize; missing ${missing.join(', ') || 'the export'}`, {
      location: { file, path: 'module' },
    })
  }
  if (typeof connector.system !== 'string' || !SYSTEM_NAME_PATTERN.test(connector.system)) {
    throw new CgError('E_CONFIG', `${file}: connector module "${specifier}" declares system ${JSON.stringify(connector.system)}; a system name is 2–32 lowercase letters, digits, _ or -, starting with a letter`, {
      location: { file, path: 'module' },
    })
  }
  return connector as ApiConnector
}
