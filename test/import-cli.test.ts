import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateRawSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../src/db/open-database.ts'
import type { ImportReport } from '../src/pipeline/run-import.ts'
import { rawZipBytes } from './support/raw-zip.ts'
import { runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

const SAMPLES = fileURLToPath(new URL('../../shared/datasets/sources', import.meta.url))

/** Every bad input the import issue names, each beside good rows that must still land. */
function writeCorpus(dir: string): Record<string, string> {
  const file = (name: string, content: string | Buffer) => {
    const full = path.join(dir, name)
    fs.mkdirSync(path.dirname(full), { recursive: true })
    fs.writeFileSync(full, content)
    return full
  }
  const contactCsv = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('Id,FirstName,LastName,Email\n'),
    Buffer.from('0035e00000AbCdE,Ada,Lovelace,ada@example.com\n'),
    Buffer.from('0035e00000AbCdF,Too,Many,cols@example.com,extra\n'),
    Buffer.from('0035e00000AbCdG,Grace,Hopper,grace@example.com\n'),
    Buffer.from('0035e00000AbCdH,Bad'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('Bytes,X,bad@example.com\n'),
    Buffer.from('0035e00000AbCdI,Katherine,Johnson,kj@example.com\n'),
    Buffer.from('0035e00000AbCdJ,"Unclosed,Quote,q@example.com\n'),
    Buffer.from('0035e00000AbCdK,Dorothy,Vaughan,dv@example.com\n'),
  ])
  return {
    contacts: file('salesforce/Contact.csv', contactCsv),
    empty: file('empty/Account.csv', ''),
    corrupt: file('corrupt.zip', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)])),
    slip: file('slip.zip', rawZipBytes([{ name: 'Contact.csv', content: Buffer.from('Id,LastName\n0035e00000AbCdE,Lovelace\n') }, { name: '../evil.csv' }])),
    absolute: file('absolute.zip', rawZipBytes([{ name: '/etc/evil.csv' }])),
    link: file('link.zip', rawZipBytes([{ name: 'Contact.csv', content: Buffer.from('/etc/passwd'), mode: 0o120777 }])),
    bomb: file('bomb.zip', rawZipBytes([{ name: 'Account.csv', content: Buffer.alloc(30 * 1024 * 1024), deflate: deflateRawSync(Buffer.alloc(30 * 1024 * 1024)) }])),
    slackUsers: file('slack/users.json', JSON.stringify([
      { id: 'U001', team_id: 'T1', name: 'ada', profile: { email: 'ada@example.com', real_name: 'Ada' } },
      { id: 5, team_id: 'T1', name: 'numeric-id' },
      { id: 'U003', team_id: 'T1', name: 'grace', profile: { real_name: 'Grace' } },
    ])),
    adminNoEmail: file('google/users.csv', 'First Name [Required],Last Name [Required],Status [READ ONLY]\nAda,Lovelace,Active\n'),
    truncatedJson: file('workday/report.json', '{"Report_Entry": [{"Employee_ID": "1", "Worker": "Ada"}, {"Employee_ID": "2", "Wor'),
  }
}

describe.each(databaseTargets())('customer-graph import on the $name database', (target) => {
  let cwd: string
  let env: Record<string, string> = {}
  let drop: () => Promise<void> = () => Promise.resolve()
  let corpus: Record<string, string>

  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-import-'))
    corpus = writeCorpus(path.join(cwd, 'corpus'))
    const database = await cliDatabase(target)
    env = database.env
    drop = database.drop
  })
  afterAll(async () => {
    await drop()
    fs.rmSync(cwd, { recursive: true, force: true })
  })

  const importJson = async (system: string, input: string, ...flags: string[]) => {
    const result = await runCliProcess(['import', system, input, '--json', ...flags], { cwd, env, timeoutMs: 120_000 })
    expect(result.stderr).toBe('')
    return { code: result.code, report: JSON.parse(result.stdout) as ImportReport }
  }

  /** The database after the CLI process has exited (the embedded one is free again then). */
  async function inspect<T>(look: (database: Database) => Promise<T>): Promise<T> {
    const database = await openDatabase(env.DATABASE_URL ? { mode: 'server', url: env.DATABASE_URL } : { mode: 'embedded', dataDir: path.join(cwd, '.customer-graph') })
    try {
      return await look(database)
    } finally {
      await database.close()
    }
  }

  it.each(['salesforce', 'workday', 'google', 'slack'])('imports every %s sample file without an error, then again with nothing changed', async (system) => {
    const first = await importJson(system, path.join(SAMPLES, system))
    expect(first.code).toBe(0)
    expect(first.report).toMatchObject({ system, status: 'succeeded', errors: [], records: { rejected: 0, changed: 0 } })
    const again = await importJson(system, path.join(SAMPLES, system))
    expect(again.report.records).toMatchObject({ new: 0, changed: 0, unchanged: first.report.records.new, rejected: 0, deleted: 0 })
  })

  it('imports generated exports of all four systems with zero rejects, and every ground-truth record lands', async () => {
    const generated = path.join(cwd, 'generated')
    const result = await runCliProcess(['generate', generated, '--people', '300', '--seed', '11', '--json'], { cwd })
    expect(result.code).toBe(0)
    for (const system of ['salesforce', 'workday', 'google', 'slack']) {
      const { code, report } = await importJson(system, path.join(generated, system), '--connection', `generated-${system}`)
      expect(code).toBe(0)
      expect({ system, errors: report.errors, rejected: report.records.rejected }).toEqual({ system, errors: [], rejected: 0 })
      expect(report.records.new).toBeGreaterThan(0)
    }
    const truth = ['people.csv', 'organizations.csv'].flatMap((file) =>
      fs.readFileSync(path.join(generated, 'ground-truth', file), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').slice(1).join(',')),
    )
    const landed = await inspect(async ({ db }) => {
      const rows = await db.selectFrom('source_records').select(['system', 'object_type', 'source_id']).execute()
      return new Set(rows.map((row) => `${row.system},${row.object_type},${row.source_id}`))
    })
    expect(truth.filter((key) => !landed.has(key))).toEqual([])
  }, 180_000)

  it('lands the good rows around bad ones and keeps each bad row with its code and line', async () => {
    const { code, report } = await importJson('salesforce', corpus.contacts!, '--connection', 'corpus')
    expect(code).toBe(0)
    expect(report.status).toBe('partial')
    // Four contacts, and the organisation of the domain they work at (inferred, see derive-organizations.ts).
    expect(report.records).toMatchObject({ read: 8, new: 5, rejected: 3 })
    const badByte = fs.readFileSync(corpus.contacts!).indexOf(0xff)
    expect(report.errors.map((error) => [error.code, error.location])).toEqual([
      ['E_CSV_COLUMNS', { file: corpus.contacts, line: 3, byteOffset: expect.any(Number) }],
      ['E_ENCODING', { file: corpus.contacts, line: 5, byteOffset: badByte }],
      ['E_CSV_QUOTE', { file: corpus.contacts, line: 7, byteOffset: expect.any(Number) }],
    ])
    for (const error of report.errors) expect(error.message).toContain('Contact.csv')
    const landed = await inspect(async ({ db }) => {
      const records = await db.selectFrom('source_records').select('source_id').where('connection_id', '=', 'corpus').orderBy('source_id').execute()
      const rejected = await db.selectFrom('rejected_records').select(['code', 'raw']).where('run_id', '=', report.runId).orderBy('id').execute()
      return { records: records.map((row) => row.source_id), rejected }
    })
    // The BOM was stripped (the Id header matched), 15-character ids were extended to 18.
    expect(landed.records).toEqual(['0035e00000AbCdEAAV', '0035e00000AbCdGAAV', '0035e00000AbCdIAAV', '0035e00000AbCdKAAV', 'example.com'])
    expect(landed.rejected.map((row) => row.code)).toEqual(['E_CSV_COLUMNS', 'E_ENCODING', 'E_CSV_QUOTE'])
    expect(landed.rejected[0]!.raw).toBe('0035e00000AbCdF,Too,Many,cols@example.com,extra')
  })

  it.each([
    ['empty', 'salesforce', 'E_EMPTY_INPUT'],
    ['corrupt', 'salesforce', 'E_ARCHIVE_CORRUPT'],
    ['slip', 'salesforce', 'E_ARCHIVE_UNSAFE_PATH'],
    ['absolute', 'salesforce', 'E_ARCHIVE_UNSAFE_PATH'],
    ['link', 'salesforce', 'E_ARCHIVE_UNSAFE_PATH'],
    ['bomb', 'salesforce', 'E_ARCHIVE_LIMIT'],
    ['adminNoEmail', 'google', 'E_CSV_HEADER'],
  ])('reports %s input as %s › %s, naming the file, and exits 1 when nothing could be read', async (name, system, expected) => {
    const input = corpus[name]!
    const { code, report } = await importJson(system, input)
    expect(code).toBe(1)
    expect(report.records.new).toBe(0)
    expect(report.errors[0]).toMatchObject({ code: expected, location: { file: input } })
    expect(report.errors[0]!.message).toContain(path.basename(input))
    expect(fs.existsSync(path.join(cwd, 'corpus', '..', 'evil.csv'))).toBe(false)
  })

  it('lands the entries of a cut-off JSON report that came before the break, and reports where it broke', async () => {
    const { code, report } = await importJson('workday', corpus.truncatedJson!)
    expect(code).toBe(0)
    expect(report.records).toMatchObject({ new: 1, rejected: 1 })
    expect(report.errors).toMatchObject([{ code: 'E_JSON_SYNTAX', location: { file: corpus.truncatedJson, line: 1 } }])
    expect(report.errors[0]!.message).toMatch(/report\.json.*line 1.*column \d+/)
  })

  it('rejects JSON of the wrong shape with the JSON path and lands the records around it', async () => {
    const { code, report } = await importJson('slack', corpus.slackUsers!)
    expect(code).toBe(0)
    // Two users, and our own domain (with no team of ours known, members count as ours): slack:own_domain:example.com.
    expect(report.records).toMatchObject({ new: 3, rejected: 1 })
    expect(report.errors).toMatchObject([{ code: 'E_SCHEMA', location: { file: corpus.slackUsers, path: '$[1].id' } }])
  })

  it('prints a short summary for a person', async () => {
    const result = await runCliProcess(['import', 'salesforce', corpus.contacts!, '--connection', 'corpus'], { cwd, env })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^salesforce import of .*Contact\.csv: partial in [\d.]+s \(run \d+\)\n {2}read 8 · new 0 · changed 0 · unchanged 5 · rejected 3 · deleted 0\n {2}3 error\(s\)/)
    expect(result.stdout).toMatch(/E_CSV_COLUMNS .*Contact\.csv, line 3: the row has 5 values/)
  })

  it('marks a contact missing from a newer complete export as deleted, and refuses a mass deletion', async () => {
    const exportDir = path.join(cwd, 'sf-export')
    const ids = Array.from({ length: 20 }, (_, index) => `0035e00000Del${String(index).padStart(2, '0')}`)
    const writeExport = (keep: string[]) => {
      fs.mkdirSync(exportDir, { recursive: true })
      fs.writeFileSync(path.join(exportDir, 'Contact.csv'), ['Id,LastName', ...keep.map((id) => `${id},Person ${id}`)].join('\n') + '\n')
    }
    writeExport(ids)
    expect((await importJson('salesforce', exportDir, '--connection', 'sf-deletes')).report.records.new).toBe(20)
    writeExport(ids.slice(1))
    const newer = await importJson('salesforce', exportDir, '--connection', 'sf-deletes')
    expect(newer.report.records).toMatchObject({ deleted: 1, rejected: 0 })
    writeExport(ids.slice(1, 5))
    const truncated = await importJson('salesforce', exportDir, '--connection', 'sf-deletes')
    expect(truncated.report.records.deleted).toBe(0)
    expect(truncated.report.errors).toMatchObject([{ code: 'E_MASS_DELETE' }])
    const forced = await importJson('salesforce', exportDir, '--connection', 'sf-deletes', '--allow-mass-delete')
    expect(forced.report.records.deleted).toBe(15)
    const partial = await importJson('salesforce', path.join(exportDir, 'Contact.csv'), '--connection', 'sf-deletes', '--partial')
    expect(partial.report.records.deleted).toBe(0)
  })

  it('refuses an unknown system with the allowed ones', async () => {
    const result = await runCliProcess(['import', 'hubspot', corpus.contacts!, '--json'], { cwd, env })
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'E_USAGE', message: expect.stringContaining('slack, salesforce, workday, google') } })
  })
})
