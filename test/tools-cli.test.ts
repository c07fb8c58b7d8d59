import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { formatTools, TOOL_FORMATS } from '../src/serve/function-schemas.ts'
import { TOOL_DEFINITIONS } from '../src/serve/tool-definitions.ts'
import { runCliProcess } from './support/run-cli.ts'

describe('customer-graph tools', () => {
  it.each(TOOL_FORMATS)('--format %s prints the three tools as one JSON document, without a database', async (format) => {
    const result = await runCliProcess(['tools', '--format', format], { cwd: os.tmpdir() })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(formatTools(TOOL_DEFINITIONS, format))
  })

  it('refuses a format it does not know, as a usage error', async () => {
    const result = await runCliProcess(['tools', '--format', 'gemini'], { cwd: os.tmpdir() })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/E_USAGE .*expected mcp, anthropic, openai/)
  })
})
