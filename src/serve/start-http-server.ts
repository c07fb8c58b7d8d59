/**
 * Puts a fetch handler (the Hono app) on a real socket with @hono/node-server and gives back its URL
 * and a close() that stops accepting, lets requests in flight finish and then cuts whatever is still
 * open (an idle keep-alive or an MCP event stream would otherwise hold the process up forever).
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { CgError, errorMessage } from '../errors.ts'

export interface HttpServer {
  url: string
  port: number
  close(): Promise<void>
}

export interface StartOptions {
  port: number
  host: string
  /** How long close() waits for requests in flight before cutting connections. */
  closeGraceMs?: number
}

export async function startHttpServer(fetch: (request: Request) => Response | Promise<Response>, options: StartOptions): Promise<HttpServer> {
  // overrideGlobalObjects: false keeps the process's own Request and Response (no global state changed).
  const server = serve({ fetch, port: options.port, hostname: options.host, overrideGlobalObjects: false }) as Server
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', (error: NodeJS.ErrnoException) => {
      const what = error.code === 'EADDRINUSE' ? `port ${options.port} on ${options.host} is in use; choose another with --port` : errorMessage(error)
      reject(new CgError('E_USAGE', `could not listen: ${what}`, { location: { parameter: '--port' }, cause: error }))
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        const cut = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? 5_000)
        cut.unref()
        server.close((error) => {
          clearTimeout(cut)
          if (error) reject(error)
          else resolve()
        })
        server.closeIdleConnections()
      }),
  }
}
