import pg from 'pg'
import { openDatabase } from '../server/src/kernel/db/index.ts'
import { noEvents } from '../server/src/kernel/events/index.ts'
import { withWorkspace } from '../server/src/kernel/tenancy/index.ts'
import { applyClientChanges, type ClientChange } from '../server/src/modules/clients/change.ts'
import { autoMap, mapRow, parseCsv } from '../server/src/modules/clients/csv-import.ts'
import { loadFieldDefs } from '../server/src/modules/clients/service.ts'
import { DB_NAME } from './clients-data.ts'
import { importCsv, resetImportWorkspace } from './clients-io.ts'
import { databaseUrl } from './lib.ts'

/*
 * One import batch at a time, statement by statement: `node bench/clients-index-profile.ts [batches]`
 * writes that many batches of 2,000 clients of the benchmark's import file through the clients' write
 * path into the kept benchmark database's import workspace, each in its own transaction, and prints
 * each batch's time and every statement that took 5 ms or more (through auto_explain); `--plans` adds
 * their plans (EXPLAIN ANALYZE, BUFFERS). `--rollback` undoes each batch instead of committing it. The
 * import workspace is emptied before and after.
 */

const BATCH = 2000
const batches = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3)
const rollback = process.argv.includes('--rollback')
const plans = process.argv.includes('--plans')
const url = databaseUrl(DB_NAME)
const admin = new pg.Client({ connectionString: url })
await admin.connect()
const ws = (
  await admin.query<{ id: string; user_id: string }>(
    `select w.id, m.user_id from workspaces w join memberships m on m.workspace_id = w.id and m.role = 'owner'
     where w.slug = 'bench-import'`,
  )
).rows[0]!
await resetImportWorkspace(admin, ws.id, true)

const database = await openDatabase({ url, poolSize: 1 })
const notices: string[] = []
database.pool!.on('connect', (client) => {
  client.on('notice', (n) => notices.push(n.message ?? ''))
  void client.query(`load 'auto_explain'; set auto_explain.log_min_duration = ${plans ? 5 : 0};
    set auto_explain.log_analyze = ${plans}; set auto_explain.log_buffers = ${plans};
    set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice;
    set auto_explain.log_timing = ${plans}`)
})

const rows = parseCsv(importCsv(batches * BATCH))
const scope = { db: database.db, workspaceId: ws.id }
const defs = await withWorkspace(scope, (tx) => loadFieldDefs(tx))
const mapping = autoMap(rows[0]!, defs)
const actor = { userId: ws.user_id, role: 'owner' as const }
const meta = { actorId: ws.user_id, actorLabel: 'profile', ipAddress: null, userAgent: null, requestId: 'p' }
const times: number[] = []
for (let b = 0; b < batches; b++) {
  const changes: ClientChange[] = []
  for (let i = 1 + b * BATCH; i < 1 + (b + 1) * BATCH; i++) {
    const r = mapRow(rows[i]!, mapping, defs)
    if (!r.ok) throw new Error(`row ${i}: ${JSON.stringify(r.errors)}`)
    changes.push({ kind: 'create', values: { ...r.value.client }, contact: r.value.contact })
  }
  notices.length = 0
  const t = performance.now()
  await withWorkspace(scope, async (tx) => {
    await applyClientChanges(tx, { workspaceId: ws.id, actor, meta, events: noEvents }, changes)
    if (rollback) throw Object.assign(new Error('rollback'), { rollback: true })
  }).catch((err) => {
    if (!err.rollback) throw err
  })
  times.push(performance.now() - t)
  console.log(`\n===== batch ${b + 1}: ${times[b]!.toFixed(0)} ms =====`)
  let sum = 0
  for (const n of notices) {
    const ms = Number(/duration: ([\d.]+) ms/.exec(n)?.[1] ?? 0)
    sum += ms
    if (plans) console.log(n.replace(/\n {0,2}/g, '\n  '), '\n')
    else if (ms >= 5)
      console.log(
        `${ms.toFixed(1).padStart(8)} ms  ${/Query Text: (.*)/.exec(n)?.[1]?.replace(/\s+/g, ' ').slice(0, 110)}`,
      )
  }
  console.log(`${sum.toFixed(1).padStart(8)} ms  in all statements`)
  if (b === 0 && !rollback) await admin.query('analyze clients, contacts')
}
console.log(`\nbatch times (ms): ${times.map((x) => x.toFixed(0)).join(', ')}`)
await database.close()
await resetImportWorkspace(admin, ws.id, true)
await admin.end()
