/**
 * Writes docs/schema.md from a fresh in-memory database migrated to the latest version:
 *
 *   npm run docs:schema
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { errorMessage } from '../errors.ts'
import { generateSchemaDoc } from './schema-doc.ts'

const target = fileURLToPath(new URL('../../docs/schema.md', import.meta.url))
try {
  await writeFile(target, await generateSchemaDoc())
  console.log(`wrote ${target}`)
} catch (error) {
  // One line: the embedded engine's errors carry its whole bundled source otherwise.
  console.error(`docs:schema: could not write ${target}: ${errorMessage(error)}`)
  process.exitCode = 1
}
