import Fastify from 'fastify'
import pg from 'pg'
import { POOL_SETTINGS } from '../server/src/kernel/db/pool.ts'

// Baselines measured in the same run as Atrium: for /api/v1/me the same JSON from a bare route
// ('json') and a bare route running one pg query ('pg'); for the clients list ('clients') a bare route
// running the list's one query, on the owner connection (no session, no row-level security), and
// ('clients-tenant') the same query inside a workspace transaction as the application role.
const mode = process.argv[2] ?? 'json'
const port = Number(process.argv[3] ?? 3901)
const body = JSON.parse(process.env.BASELINE_BODY ?? '{}')
const app = Fastify()
const pool =
  mode !== 'json' ? new pg.Pool({ connectionString: process.env.DATABASE_URL, ...POOL_SETTINGS }) : null
const LIST_SQL = `select id, kind, name, legal_name, email, phone, website, tax_id, billing_address,
  shipping_address, currency, language, payment_terms_days, status, tags, owner_id, assignee_ids, notes,
  custom, archived_at, created_at, updated_at
  from clients where workspace_id = $1 order by created_at desc limit 25`
if (mode === 'clients') {
  const workspaceId = process.env.BASELINE_WORKSPACE_ID
  app.get('/api/v1/clients', async () => {
    const r = await pool!.query(LIST_SQL, [workspaceId])
    return { data: r.rows, nextCursor: null }
  })
} else if (mode === 'clients-tenant') {
  // The same query the way a tenant request runs it: a transaction switched to the application role
  // and the workspace (row-level security on), then commit. Four round trips instead of one.
  const workspaceId = process.env.BASELINE_WORKSPACE_ID
  app.get('/api/v1/clients', async () => {
    const client = await pool!.connect()
    try {
      await client.query('begin')
      await client.query(
        "select set_config('app.workspace_id', $1, true), set_config('role', 'atrium_app', true)",
        [workspaceId],
      )
      const r = await client.query(LIST_SQL, [workspaceId])
      await client.query('commit')
      return { data: r.rows, nextCursor: null }
    } finally {
      client.release()
    }
  })
} else
  app.get('/api/v1/me', async () => {
    if (pool) {
      const r = await pool.query('select id, name, email from users where id = $1', [body.user?.id])
      return { ...body, user: { ...body.user, name: r.rows[0]?.name ?? body.user?.name } }
    }
    return body
  })
await app.listen({ port, host: '127.0.0.1' })
process.send?.('ready')
