/**
 * The incremental cases: the same Salesforce export with a share of its contacts edited, as a later
 * export of the same org would be. 'title': a new title and a later modstamp, which resolution does
 * not read (only the records' edges are rebuilt). 'email': the same, and a new email address too, so
 * that every edited contact is resolved again with everything it may link to. Written as copies next
 * to the original, which later runs import unchanged.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { copyFile, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import { parse } from 'csv-parse'
import { stringify } from 'csv-stringify'

export interface ChangedExport {
  dir: string
  changed: number
}

export type ContactChange = 'title' | 'email'

/**
 * Copies salesforce/ to salesforce-<change>/ with `wanted` of its `contacts` Contact rows (spread
 * evenly, the same rows for either change) changed.
 */
export async function writeChangedSalesforce(companyDir: string, counts: { contacts: number; wanted: number; change: ContactChange }): Promise<ChangedExport> {
  const { contacts, wanted, change } = counts
  const from = join(companyDir, 'salesforce')
  const to = join(companyDir, `salesforce-${change}`)
  await mkdir(to, { recursive: true })
  for (const file of await readdir(from)) if (file !== 'Contact.csv') await copyFile(join(from, file), join(to, file))

  const every = Math.max(1, Math.floor(contacts / Math.max(1, wanted)))
  let row = -1
  let changed = 0
  let title = -1
  let modstamp = -1
  let email = -1
  const edit = new Transform({
    objectMode: true,
    transform(record: string[], _encoding, done) {
      if (row++ === -1) {
        title = record.indexOf('Title')
        modstamp = record.indexOf('SystemModstamp')
        email = record.indexOf('Email')
      } else if (row % every === 0 && changed < wanted) {
        record[title] = `${record[title] ?? ''} (changed)`.trim()
        if (modstamp >= 0) record[modstamp] = '2030-01-01T00:00:00.000Z'
        if (change === 'email' && record[email]) record[email] = `new.${record[email]}`
        changed++
      }
      done(null, record)
    },
  })
  await pipeline(createReadStream(join(from, 'Contact.csv')), parse({ bom: true }), edit, stringify({ quoted: true }), createWriteStream(join(to, 'Contact.csv')))
  return { dir: to, changed }
}

