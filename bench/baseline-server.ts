import Fastify from 'fastify'
import pg from 'pg'

// Baselines for the /api/v1/me benchmark: the same JSON from a bare route, and a bare route running
// one pg query, on the same machine in the same run.
const mode = process.argv[2] ?? 'json'
const port = Number(process.argv[3] ?? 3901)
const body = JSON.parse(process.env.BASELINE_BODY ?? '{}')
const app = Fastify()
const pool = mode === 'pg' ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 }) : null
app.get('/api/v1/me', async () => {
  if (pool) {
    const r = await pool.query('select id, name, email from users where id = $1', [body.user?.id])
    return { ...body, user: { ...body.user, name: r.rows[0]?.name ?? body.user?.name } }
  }
  return body
})
await app.listen({ port, host: '127.0.0.1' })
process.send?.('ready')
