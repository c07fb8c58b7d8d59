import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSchemaDoc, readSchema, renderRelation, uncommented, type SchemaRelation } from '../src/db/schema-doc.ts'
import { databaseTargets, type TestDatabase } from './support/test-databases.ts'

const DOC = new URL('../docs/schema.md', import.meta.url)

describe('docs/schema.md', () => {
  it('is what npm run docs:schema writes for the latest migrations', async () => {
    const committed = fs.readFileSync(DOC, 'utf8')
    expect(committed, 'docs/schema.md is out of date: run npm run docs:schema and commit the result').toBe(await generateSchemaDoc())
  })
})

describe.each(databaseTargets())('the schema as documented, on the $name database', (target) => {
  let store: TestDatabase
  let relations: SchemaRelation[]

  beforeAll(async () => {
    store = await target.create()
    relations = await readSchema(store.db)
  })
  afterAll(() => store?.dispose())

  it('comments every table, view and column of the schema', () => {
    expect(relations.map((relation) => relation.name)).toEqual(expect.arrayContaining(['people', 'organizations', 'entity_records', 'entity_activity', 'source_records']))
    expect(uncommented(relations)).toEqual([])
  })

  it("documents each view with this database's columns, types and comments", () => {
    const doc = fs.readFileSync(DOC, 'utf8')
    const views = relations.filter((relation) => relation.kind === 'view')
    expect(views.map((view) => view.name)).toEqual(['entity_activity', 'entity_records', 'identifiers', 'organizations', 'people'])
    for (const view of views) expect(doc, `docs/schema.md on view ${view.name}`).toContain(renderRelation(view))
    expect([...doc.matchAll(/^### (\w+) \(view\)$/gm)].map((match) => match[1])).toEqual(views.map((view) => view.name))
  })

  it('documents every table with its columns', () => {
    const doc = fs.readFileSync(DOC, 'utf8')
    const tables = relations.filter((relation) => relation.kind === 'table')
    expect([...doc.matchAll(/^### (\w+) \((?:unlogged )?table\)$/gm)].map((match) => match[1])).toEqual(tables.map((table) => table.name))
    for (const table of tables) {
      const rows = table.columns.map((column) => `| \`${column.name}\` | \`${column.type}\` | ${column.nullable ? 'yes' : 'no'} |`)
      for (const row of rows) expect(doc, `docs/schema.md on table ${table.name}`).toContain(row)
    }
  })
})
