import pg from 'pg'
import type { Logger } from 'pino'
import type { Database } from './index.ts'

/**
 * LISTEN on a channel of the database. On PostgreSQL it holds a connection of its own (never one of
 * the pool), reconnected a second after it drops; `onListening` runs each time the LISTEN is in place
 * (first time and after a reconnect), since notifications sent while it was not listening are lost and
 * the caller must look for what it missed. On PGlite, the engine's own listener. Resolves with a
 * function that stops listening.
 */
export async function listen(
  database: Database,
  channel: string,
  handlers: { onNotify: (payload: string | undefined) => void; onListening?: () => void },
  log: Logger,
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid LISTEN channel: ${channel}`)
  if (database.pglite) {
    const off = await database.pglite.listen(channel, (payload) => handlers.onNotify(payload))
    handlers.onListening?.()
    return off
  }
  const options: pg.ClientConfig = database.pool?.options ?? {}
  let client: pg.Client | null = null
  let closed = false
  let retry: NodeJS.Timeout | null = null
  const connect = async () => {
    const c = new pg.Client({ ...options, keepAlive: true })
    c.on('notification', (n) => handlers.onNotify(n.payload))
    c.on('error', (err) => {
      log.warn({ err: err.message, channel }, 'LISTEN connection lost; reconnecting')
      c.end().catch(() => {})
      if (client === c) client = null
      schedule()
    })
    await c.connect()
    await c.query(`listen ${channel}`)
    if (closed) {
      await c.end()
      return
    }
    client = c
    handlers.onListening?.()
  }
  const schedule = () => {
    if (closed || retry) return
    retry = setTimeout(() => {
      retry = null
      connect().catch(() => schedule())
    }, 1000)
    retry.unref()
  }
  await connect()
  return async () => {
    closed = true
    if (retry) clearTimeout(retry)
    await client?.end()
  }
}
