/**
 * docs/schema.md, written from the database's own catalog: every table and view of the schema with
 * its SQL comment, its columns (type, nullability, comment), keys, references, checks and indexes.
 * The migrations are the only place the schema is described; this file only reads what they left in
 * pg_catalog, so the document cannot say something the database does not.
 *
 * `npm run docs:schema` (write-schema-doc.ts) writes it from a fresh in-memory database migrated to
 * the latest version; test/schema-doc.test.ts fails when the committed file differs.
 */
import { sql, type Kysely } from 'kysely'
import { migrateToLatest } from './migrate.ts'
import { openDatabase } from './open-database.ts'

export interface SchemaColumn {
  name: string
  type: string
  /** Null for views: PostgreSQL records no nullability for their columns. */
  nullable: boolean | null
  comment: string | null
}

export interface SchemaConstraint {
  name: string
  definition: string
}

export interface SchemaRelation {
  name: string
  kind: 'table' | 'view'
  unlogged: boolean
  comment: string | null
  columns: SchemaColumn[]
  /** Primary key and unique constraints. */
  keys: SchemaConstraint[]
  references: SchemaConstraint[]
  checks: SchemaConstraint[]
  /** Indexes other than those behind the keys. */
  indexes: SchemaConstraint[]
}

/** kysely's bookkeeping tables: not part of the customer graph, and not commented. */
const BOOKKEEPING = ['kysely_migration', 'kysely_migration_lock']

interface RelationRow {
  oid: number
  name: string
  relkind: string
  persistence: string
  comment: string | null
}
interface ColumnRow {
  relid: number
  name: string
  type: string
  not_null: boolean
  comment: string | null
}
interface ConstraintRow {
  relid: number
  name: string
  type: string
  definition: string
}

/** The tables and views of the current schema, in name order, with everything the document shows. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reads the catalog, not the graph's tables
export async function readSchema(db: Kysely<any>): Promise<SchemaRelation[]> {
  const { rows: relations } = await sql<RelationRow>`
    select c.oid::bigint as oid, c.relname as name, c.relkind::text as relkind, c.relpersistence::text as persistence,
      obj_description(c.oid, 'pg_class') as comment
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v', 'm') and c.relname <> all (${BOOKKEEPING}::text[])
    order by c.relname collate "C"`.execute(db)
  const oids = relations.map((relation) => relation.oid)
  const { rows: columns } = await sql<ColumnRow>`
    select a.attrelid::bigint as relid, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
      a.attnotnull as not_null, col_description(a.attrelid, a.attnum) as comment
    from pg_attribute a
    where a.attrelid = any(${oids}::bigint[]::oid[]) and a.attnum > 0 and not a.attisdropped
    order by a.attrelid, a.attnum`.execute(db)
  const { rows: constraints } = await sql<ConstraintRow>`
    select relid, name, type, definition from (
      select k.conrelid::bigint as relid, k.conname as name, k.contype::text as type, pg_get_constraintdef(k.oid) as definition
      from pg_constraint k
      where k.conrelid = any(${oids}::bigint[]::oid[])
      union all
      select i.indrelid::bigint, x.relname, 'i', pg_get_indexdef(i.indexrelid)
      from pg_index i
      join pg_class x on x.oid = i.indexrelid
      where i.indrelid = any(${oids}::bigint[]::oid[])
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)
    ) found
    order by relid, name collate "C"`.execute(db)
  return relations.map((relation) => {
    const isView = relation.relkind === 'v' || relation.relkind === 'm'
    const own = constraints.filter((constraint) => constraint.relid === relation.oid)
    const ofType = (...types: string[]) =>
      own.filter((constraint) => types.includes(constraint.type)).map(({ name, definition }) => ({ name, definition }))
    return {
      name: relation.name,
      kind: isView ? 'view' : 'table',
      unlogged: relation.persistence === 'u',
      comment: relation.comment,
      columns: columns
        .filter((column) => column.relid === relation.oid)
        .map((column) => ({ name: column.name, type: column.type, nullable: isView ? null : !column.not_null, comment: column.comment })),
      keys: ofType('p', 'u'),
      references: ofType('f'),
      checks: ofType('c'),
      indexes: ofType('i'),
    }
  })
}

/** What is missing a comment: `table` for a relation, `table.column` for a column. */
export function uncommented(relations: readonly SchemaRelation[]): string[] {
  return relations.flatMap((relation) => [
    ...(relation.comment ? [] : [relation.name]),
    ...relation.columns.filter((column) => !column.comment).map((column) => `${relation.name}.${column.name}`),
  ])
}

/** Examples shown in the document; test/schema-doc.test.ts runs each one on both databases. */
export const EXAMPLE_QUERIES: readonly { title: string; sql: string }[] = [
  {
    title: 'A person found by email, with organisations, owners and systems',
    sql: `select entity_id, name, title, organizations, owners, systems, last_activity_at
from people
where entity_id in (select entity_id from identifiers where kind = 'email' and value = 'ada@example.com');`,
  },
  {
    title: "A person's last ten activities",
    sql: `select occurred_at, kind, role, title, status
from entity_activity
where entity_id = (select entity_id from identifiers where kind = 'email' and value = 'ada@example.com' limit 1)
order by occurred_at desc
limit 10;`,
  },
  {
    title: 'Organisations with open deals or cases, and who owns them',
    sql: `select name, domains, owners, people_count, open_deals, open_cases, last_activity_at
from organizations
where open_deals > 0 or open_cases > 0
order by last_activity_at desc nulls last;`,
  },
  {
    title: 'Where an entity comes from: its records in every system, and how each was linked',
    sql: `select system, object_type, source_id, rule, score, deleted
from entity_records
where entity_id = (select entity_id from people where name = 'Ada Lovelace' limit 1)
order by system, object_type, source_id;`,
  },
  {
    title: 'The people of one organisation',
    sql: `select name, title, primary_email
from people
where entity_id in (
  select from_entity_id from edges
  where kind = 'works_at' and to_entity_id in (select entity_id from organizations where name = 'Initech'))
order by name;`,
  },
]

const INTRO = `# The customer-graph schema

Generated by \`npm run docs:schema\` from the SQL comments the migrations leave on every table, view and
column (a fresh database migrated to the latest version); do not edit it by hand. In psql,
\`\\d+ <name>\` shows the same comments.

## Connecting with psql

- **PostgreSQL server** (\`DATABASE_URL\` set): \`psql "$DATABASE_URL"\`. A read-only role is enough for the
  views and tables below: \`grant pg_read_all_data to analyst\` (PostgreSQL 14+).
- **Embedded database** (no \`DATABASE_URL\`, data in \`./.customer-graph/pgdata\`): that folder is a
  PGlite database, PostgreSQL compiled to WebAssembly and running inside the customer-graph process.
  It has no server that psql could connect to, and its files must not be opened by a PostgreSQL
  server. To query the store with psql, run customer-graph against a server instead: set
  \`DATABASE_URL=postgres://user@host:5432/db\`, run \`npx customer-graph migrate\`, import the exports
  again, and connect psql to the same URL.

Start with the views: they answer the common questions in one query and are fast when filtered by
\`entity_id\` (filtering on an array column such as \`emails\` computes it for every entity; find the
entity through \`identifiers\` instead, as the first example does). Records are named
\`system:object_type:source_id\` as the CLI names them (\`customer-graph explain\` takes the same form).
Entities merged into another keep their row in \`entities\` with \`redirect_to\` set; the views leave them out.

## Example queries
`

function escapeCell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ')
}

function constraintList(title: string, constraints: readonly SchemaConstraint[]): string[] {
  if (constraints.length === 0) return []
  return [`${title}:`, '', ...constraints.map(({ name, definition }) => `- \`${name}\`: \`${definition}\``), '']
}

function label(relation: SchemaRelation): string {
  return relation.kind === 'view' ? 'view' : relation.unlogged ? 'unlogged table' : 'table'
}

/** The anchor a Markdown renderer gives the relation's heading ("people (view)" → people-view). */
function anchor(relation: SchemaRelation): string {
  return `${relation.name}-${label(relation).replaceAll(' ', '-')}`
}

/** One relation's section of the document. */
export function renderRelation(relation: SchemaRelation): string {
  const isView = relation.kind === 'view'
  const header = isView ? ['| column | type | comment |', '| --- | --- | --- |'] : ['| column | type | null | comment |', '| --- | --- | --- | --- |']
  const rows = relation.columns.map((column) => {
    const cells = [`\`${column.name}\``, `\`${column.type}\``, ...(isView ? [] : [column.nullable ? 'yes' : 'no']), escapeCell(column.comment ?? '')]
    return `| ${cells.join(' | ')} |`
  })
  return [
    `### ${relation.name} (${label(relation)})`,
    '',
    relation.comment ?? '',
    '',
    ...header,
    ...rows,
    '',
    ...constraintList('Keys', relation.keys),
    ...constraintList('References', relation.references),
    ...constraintList('Checks', relation.checks),
    ...constraintList('Indexes', relation.indexes),
  ].join('\n')
}

/** The whole document: intro, examples, then the views and the tables, each in name order. */
export function renderSchemaDoc(relations: readonly SchemaRelation[]): string {
  const views = relations.filter((relation) => relation.kind === 'view')
  const tables = relations.filter((relation) => relation.kind === 'table')
  const contents = (list: readonly SchemaRelation[]) => list.map((relation) => `[${relation.name}](#${anchor(relation)})`).join(' · ')
  return [
    INTRO,
    ...EXAMPLE_QUERIES.flatMap((example) => [`${example.title}:`, '', '```sql', example.sql, '```', '']),
    '## Contents',
    '',
    `Views: ${contents(views)}`,
    '',
    `Tables: ${contents(tables)}`,
    '',
    '## Views',
    '',
    ...views.map(renderRelation),
    '## Tables',
    '',
    ...tables.map(renderRelation),
  ]
    .join('\n')
    .replace(/\n+$/, '\n')
}

/** The document for the latest schema, from a fresh in-memory database. */
export async function generateSchemaDoc(): Promise<string> {
  const database = await openDatabase({ mode: 'memory' })
  try {
    await migrateToLatest(database.db)
    return renderSchemaDoc(await readSchema(database.db))
  } finally {
    await database.close()
  }
}
