import { Connection } from 'jsforce'

/**
 * Runs one jsforce query in its own process: `node jsforce-query-child.ts <instanceUrl> <token> <soql>`.
 * The fake's tests use it for faults that kill the client process (a body cut off by a closed
 * connection), which must not take the test runner down with them.
 */
const [instanceUrl, accessToken, soql] = process.argv.slice(2)
if (!instanceUrl || !accessToken || !soql) throw new Error('usage: jsforce-query-child.ts <instanceUrl> <accessToken> <soql>')
const conn = new Connection({ instanceUrl, accessToken, version: '62.0' })
const result = await conn.query(soql)
console.log(JSON.stringify({ totalSize: result.totalSize }))
