import { describe, expect, it } from 'vitest'
import { describeServerUrl, loadConfig } from './config.ts'
import { CgError } from './errors.ts'

describe('loadConfig', () => {
  it('uses the embedded database in ./.customer-graph by default', () => {
    expect(loadConfig({}, {}, '/work/project')).toEqual({
      database: { mode: 'embedded', dataDir: '/work/project/.customer-graph' },
      logLevel: 'warn',
    })
  })

  it('takes the data folder from --data-dir over CUSTOMER_GRAPH_DATA_DIR', () => {
    expect(loadConfig({ CUSTOMER_GRAPH_DATA_DIR: '/env/dir' }, {}, '/cwd').database).toEqual({ mode: 'embedded', dataDir: '/env/dir' })
    expect(loadConfig({ CUSTOMER_GRAPH_DATA_DIR: '/env/dir' }, { dataDir: 'rel' }, '/cwd').database).toEqual({
      mode: 'embedded',
      dataDir: '/cwd/rel',
    })
  })

  it('uses the server when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/graph' }, {}, '/cwd')
    expect(config.database).toEqual({ mode: 'server', url: 'postgres://u:p@db:5432/graph' })
  })

  it('refuses --data-dir together with DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/graph' }, { dataDir: 'x' }, '/cwd')).toThrow(/--data-dir/)
  })

  it('rejects a malformed DATABASE_URL without echoing it', () => {
    const attempt = () => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' }, {}, '/cwd')
    expect(attempt).toThrow(CgError)
    expect(attempt).toThrow(/postgres:\/\//)
    expect(attempt).not.toThrow(/hunter2/)
    const garbage = () => loadConfig({ DATABASE_URL: 'not a url hunter2' }, {}, '/cwd')
    expect(garbage).toThrow(/not a valid URL/)
    expect(garbage).not.toThrow(/hunter2/)
  })

  it('names the parameter of a bad log level', () => {
    try {
      loadConfig({}, { logLevel: 'loud' }, '/cwd')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(CgError)
      expect((error as CgError).code).toBe('E_CONFIG')
      expect((error as CgError).location).toEqual({ parameter: '--log-level' })
    }
  })
})

describe('describeServerUrl', () => {
  it('never includes the password', () => {
    expect(describeServerUrl('postgres://app:s%40cret@db.internal:6432/graph?sslmode=require')).toBe(
      'postgres://app@db.internal:6432/graph',
    )
  })
})
