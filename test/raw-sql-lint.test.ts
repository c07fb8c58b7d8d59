/**
 * The lint that keeps SQL text out of reach of input: kysely's raw helpers are refused in src/ but in
 * src/db/trusted-sql.ts. Runs the rule as eslint.config.js declares it on small sources.
 */
import { Linter } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'

type Block = { files?: string[]; ignores?: string[]; rules?: Record<string, unknown> }
const { default: blocks } = (await import(new URL('../eslint.config.js', import.meta.url).href)) as { default: Block[] }
const rawSqlBlock = blocks.find((block) => JSON.stringify(block.rules?.['no-restricted-syntax'] ?? '').includes('trusted-sql'))!

function lint(code: string, filename: string): string[] {
  const linter = new Linter({ configType: 'flat' })
  const messages = linter.verify(code, [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, rawSqlBlock as Linter.Config], filename)
  return messages.map((message) => message.message)
}

describe('the raw-SQL lint', () => {
  it.each([
    ['sql.raw', 'sql.raw(`select ${name}`)'],
    ['sql.lit', 'sql`select ${sql.lit(name)}`'],
    ['sql.ref', 'sql`select ${sql.ref(name)}`'],
    ['sql.table', 'sql`select * from ${sql.table(name)}`'],
    ['sql.id', 'sql`select * from ${sql.id(name)}`'],
    ['dynamic.ref', 'db.selectFrom("entities").select(db.dynamic.ref(name))'],
  ])('refuses %s in src/', (_helper, expression) => {
    const code = `import { sql } from 'kysely'\ndeclare const db: any\nexport const probe = (name: string) => ${expression}\n`
    expect(lint(code, 'src/lookup/probe.ts')).toEqual([expect.stringMatching(/only in src\/db\/trusted-sql\.ts/)])
    expect(lint(code, 'examples/hubspot/probe.ts')).toHaveLength(1)
  })

  it('allows them in src/db/trusted-sql.ts, and parameters anywhere', () => {
    expect(rawSqlBlock.ignores).toEqual(['src/db/trusted-sql.ts'])
    expect(lint("import { sql } from 'kysely'\nexport const t = sql.table('entities')\n", 'src/db/trusted-sql.ts')).toEqual([])
    const code = "import { sql } from 'kysely'\nexport const probe = (name: string) => sql`select * from entities where display_name = ${name}`\n"
    expect(lint(code, 'src/lookup/probe.ts')).toEqual([])
  })
})
