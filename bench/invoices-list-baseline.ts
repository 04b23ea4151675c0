import Fastify from 'fastify'
import pg from 'pg'
import { POOL_SETTINGS } from '../server/src/kernel/db/pool.ts'

// The invoices list benchmark's baseline, measured in the same run: a bare Fastify route running the
// list page's one query on the owner connection (no session, no row-level security, no serialization
// beyond the rows), as bench/baseline-server.ts does for clients.
const port = Number(process.argv[2] ?? 3906)
const workspaceId = process.env.BASELINE_WORKSPACE_ID
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, ...POOL_SETTINGS })
const LIST_SQL = `select id, kind, number, status, client_id, client_name, currency, base_currency,
  exchange_rate, issue_date, due_date, po_number, notes, terms, footer, discount, shipping, subtotal,
  discount_total, tax_total, total, paid, credited, balance, custom, quote_id, invoice_id, void_reason,
  accepted_by, decline_reason, sent_at, viewed_at, accepted_at, paid_at, voided_at, created_at, updated_at
  from invoice_documents where workspace_id = $1 and kind = 'invoice'
  order by created_at desc, id desc limit 26`
const app = Fastify()
app.get('/api/v1/invoices', async () => {
  const r = await pool.query(LIST_SQL, [workspaceId])
  return { data: r.rows.slice(0, 25), nextCursor: null }
})
await app.listen({ port, host: '127.0.0.1' })
process.send?.('ready')
