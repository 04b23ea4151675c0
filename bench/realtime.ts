import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import pg from 'pg'
import WebSocket from 'ws'
import { issueRealtimeToken } from '../server/src/kernel/realtime/token.ts'
import {
  type Atrium,
  cpuMs,
  databaseUrl,
  demoPassword,
  fmt,
  postgresCpuMs,
  rssMiB,
  signIn,
  sleep,
  startAtrium,
  stealMs,
  stop,
  waitReady,
  withAdmin,
} from './lib.ts'

// npm run bench -- realtime: sockets one node holds (and memory per socket), then fan-out latency of an
// event to a 500-socket room on one node and across two nodes through Redis. Events are written the way
// `publish` writes them (insert + NOTIFY, committed), so the latency runs from the commit request to the
// message arriving at each socket: commit, NOTIFY, numbering by the dispatcher, emit, delivery.
// Clients speak the Socket.IO protocol over plain `ws` sockets, so the bench process can hold 10,000;
// a frame's arrival time is taken as it reaches the handler, before it is parsed. Each fan-out starts
// once the server is idle (the demo seed and its jobs done) and after WARMUP events that are delivered
// and counted but not timed. BENCH_SERVER_ARGS passes Node flags to the server processes (`--cpu-prof`).

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000)
const ROOM = 500
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200)
/** Events sent before the timed ones, after the server is idle: delivered and counted, not timed. */
const WARMUP = Number(process.env.BENCH_WARMUP_EVENTS ?? 20)
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

type Client = {
  ws: WebSocket
  onEvent: ((n: number, at: number) => void) | null
  /** Every `event` message as it arrives: its type, ids and arrival time. */
  onMessage?: (type: string, ids: Record<string, unknown>, at: number) => void
  acks?: Map<number, (v: unknown) => void>
}
const SECRET = 'bench-realtime-secret-key-not-secret-0123456789'
const MESSAGES = Number(process.env.BENCH_MESSAGES_SENT ?? 100)

/** Opens a Socket.IO connection with a realtime token; resolves once the server accepted it. */
function open(port: number, token: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`)
    const client: Client = { ws, onEvent: null }
    ws.on('message', (raw) => {
      const at = performance.now()
      const m = raw.toString()
      if (m === '2') return ws.send('3') // ping → pong
      if (m.startsWith('0')) return ws.send(`40${JSON.stringify({ token })}`)
      if (m.startsWith('40')) return resolve(client)
      if (m.startsWith('44')) return reject(new Error(`refused: ${m}`))
      if (m.startsWith('43')) {
        const id = Number(/^43(\d+)/.exec(m)?.[1])
        client.acks?.get(id)?.(JSON.parse(m.slice(2 + String(id).length))[0])
        client.acks?.delete(id)
        return
      }
      if (m.startsWith('42') && (client.onEvent || client.onMessage)) {
        const [name, e] = JSON.parse(m.slice(2)) as [string, { type: string; ids: Record<string, unknown> }]
        if (name !== 'event') return // presence and signals
        client.onMessage?.(e.type, e.ids, at)
        if (client.onEvent) client.onEvent(e.ids.n as number, at)
      }
    })
    ws.on('error', reject)
  })
}

async function openMany(port: number, token: () => Promise<string>, n: number): Promise<Client[]> {
  const out: Client[] = []
  while (out.length < n) {
    const t = await token()
    const batch = Math.min(100, n - out.length)
    out.push(...(await Promise.all(Array.from({ length: batch }, () => open(port, t)))))
  }
  return out
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!

/**
 * Waits until the server processes are idle: no job waiting or running (the demo seed's), pg-boss's
 * start-up retention pass over every queue done, and, over one second, under 50 ms of CPU each (pg-boss
 * polls its queues meanwhile). Gives up after 60 s and says so.
 */
async function waitIdle(db: pg.Client, pids: number[]): Promise<string> {
  const t0 = performance.now()
  let used: number[] = []
  for (;;) {
    const before = pids.map(cpuMs)
    // Jobs waiting or running, and queues whose first retention pass (pg-boss runs one per queue
    // after start-up, then daily) has not run yet.
    const jobs = (
      await db.query<{ n: number }>(
        `select (select count(*) from pgboss.job where state in ('created', 'retry', 'active'))::int
              + (select count(*) from pgboss.queue where maintain_on is null)::int as n`,
      )
    ).rows[0]!.n
    await sleep(1000)
    used = pids.map((pid, i) => cpuMs(pid) - before[i]!)
    const waited = fmt((performance.now() - t0) / 1000, 1)
    if (jobs === 0 && used.every((ms) => ms < 50))
      return `idle after ${waited} s (server CPU ${used.join(' / ')} ms in the last second, no job waiting, every queue maintained)`
    if (performance.now() - t0 > 60_000)
      return `NOT idle after ${waited} s (server CPU ${used.join(' / ')} ms in the last second, ${jobs} jobs waiting or queues not yet maintained)`
  }
}

/**
 * Publishes events one every 20 ms: first WARMUP events whose deliveries are counted but not timed (the
 * socket and emit paths run cold at first), then EVENTS timed ones. Returns the timed per-delivery
 * latencies (ms) by group, after printing the warm-up's deliveries and the slowest events.
 */
async function fanOut(db: pg.Client, workspaceId: string, groups: Client[][]) {
  const sockets = groups.reduce((s, g) => s + g.length, 0)
  const lat = groups.map(() => [] as number[])
  const total = WARMUP + EVENTS
  const base = Date.now()
  const sentAt = new Array<number>(total).fill(Number.NaN)
  const committed = new Array<number>(total).fill(Number.NaN)
  // Per event (by index): first and last arrival, deliveries.
  const first = new Array<number>(total).fill(Number.POSITIVE_INFINITY)
  const last = new Array<number>(total).fill(0)
  const count = new Array<number>(total).fill(0)
  groups.forEach((clients, g) => {
    for (const c of clients)
      c.onEvent = (n, at) => {
        const i = n - base
        const t0 = sentAt[i]
        if (t0 === undefined || Number.isNaN(t0)) return
        count[i]!++
        if (at < first[i]!) first[i] = at
        if (at > last[i]!) last[i] = at
        if (i >= WARMUP) lat[g]!.push(at - t0)
      }
  })
  const delivered = (from: number, to: number) => count.slice(from, to).reduce((s, x) => s + x, 0)
  const publish = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      sentAt[i] = performance.now()
      await db.query(
        `begin; insert into realtime_events (workspace_id, room, type, payload) values ('${workspaceId}', 'workspace', 'bench.ping', '{"n":${base + i}}'); select pg_notify('atrium_realtime', ''); commit`,
      )
      committed[i] = performance.now() - sentAt[i]!
      await sleep(20)
    }
    const deadline = Date.now() + 30_000
    while (delivered(from, to) < sockets * (to - from) && Date.now() < deadline) await sleep(50)
  }
  await publish(0, WARMUP)
  console.log(
    `  warm-up: ${WARMUP} events, ${delivered(0, WARMUP)}/${sockets * WARMUP} deliveries (not timed)`,
  )
  const loop = monitorEventLoopDelay({ resolution: 5 })
  loop.enable()
  const started = performance.now()
  await publish(WARMUP, total)
  loop.disable()
  const events = Array.from({ length: EVENTS }, (_, k) => {
    const i = WARMUP + k
    const t0 = sentAt[i]!
    return { k, sent: t0 - started, commit: committed[i]!, first: first[i]! - t0, last: last[i]! - t0 }
  })
  const slow = [...events].sort((a, b) => b.last - a.last).slice(0, 5)
  console.log(
    `  slowest timed events (#index @ ms after the first: commit took / first socket / last socket): ${slow
      .map((e) => `#${e.k} @${fmt(e.sent)}: ${fmt(e.commit, 1)} / ${fmt(e.first, 1)} / ${fmt(e.last, 1)} ms`)
      .join('; ')}`,
  )
  const spread = events.map((e) => e.last - e.first).sort((a, b) => a - b)
  const firsts = events.map((e) => e.first).sort((a, b) => a - b)
  console.log(
    `  per event: commit request → first socket p50 ${fmt(pct(firsts, 0.5), 1)} / max ${fmt(firsts.at(-1)!, 1)} ms; first → last socket p50 ${fmt(pct(spread, 0.5), 1)} / max ${fmt(spread.at(-1)!, 1)} ms; bench process event-loop delay p99 ${fmt(loop.percentile(99) / 1e6, 1)} / max ${fmt(loop.max / 1e6, 1)} ms; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
  return lat.map((l) => l.sort((a, b) => a - b))
}

let ackSeq = 0
/** Joins a room; resolves with the server's answer. */
function joinRoom(c: Client, room: string): Promise<unknown> {
  const id = ++ackSeq
  c.acks ??= new Map()
  return new Promise((resolve) => {
    c.acks!.set(id, resolve)
    c.ws.send(`42${id}${JSON.stringify(['join', room])}`)
  })
}

/**
 * A message posted through the API to a private channel of ROOM members, each with one socket: half of
 * them show the conversation (joined its room: `message.created`), half only the sidebar
 * (`conversation.activity` in their own room). After WARMUP messages delivered but not timed and a wait
 * for the server to be idle, latency from the POST to each socket's event, and CPU per message of the
 * server process and of PostgreSQL.
 */
async function messageFanOut(db: pg.Client, node: Atrium, port: number, cookie: string, dbName: string) {
  const ws = (await db.query<{ id: string }>('select id from workspaces limit 1')).rows[0]!.id
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/conversations`, {
    method: 'POST',
    headers: { cookie, origin: `http://localhost:${port}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'channel_private', name: `bench-${Date.now()}`, memberIds: [] }),
  })
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`)
  const conversationId = ((await res.json()) as { id: string }).id
  // ROOM - 1 more members, straight into the tables (the API's add is audited one by one).
  const users = (
    await db.query<{ id: string }>(
      `with u as (insert into users (name, email, email_verified)
         select 'Bench ' || i, 'bench' || i || '-' || $2 || '@atrium.local', true from generate_series(1, $1::int) i
         returning id),
       m as (insert into memberships (workspace_id, user_id, role) select $3::uuid, id, 'member' from u)
       insert into conversation_participants (id, workspace_id, conversation_id, type, user_id, role)
         select 'cnp_' || replace(gen_random_uuid()::text, '-', ''), $3::uuid, $4, 'member', id, 'member' from u
       returning user_id as id`,
      [ROOM - 1, Date.now(), ws, conversationId],
    )
  ).rows.map((r) => r.id)
  // As autovacuum would soon after a bulk insert: plans for these tables read their real sizes.
  await db.query('analyze users, memberships, conversation_participants')
  const demo = (await db.query<{ id: string }>(`select id from users where email = 'demo@atrium.local'`))
    .rows[0]!.id
  const clients: Client[] = []
  for (let i = 0; i < users.length + 1; i += 20) {
    const batch = [demo, ...users].slice(i, i + 20)
    clients.push(
      ...(await Promise.all(batch.map((u) => open(port, issueRealtimeToken(SECRET, u, ws).token)))),
    )
  }
  const viewing = clients.slice(0, Math.ceil(clients.length / 2))
  const sidebar = clients.length - viewing.length
  const joined = await Promise.all(viewing.map((c) => joinRoom(c, `conversation:${conversationId}`)))
  if (joined.some((j) => !(j as { ok: boolean }).ok)) throw new Error('a socket could not join')
  const arrivals = new Map<string, { created: number[]; activity: number[] }>()
  for (const c of clients)
    c.onMessage = (type, ids, at) => {
      const id = ids.messageId as string | undefined
      if (!id || (type !== 'message.created' && type !== 'conversation.activity')) return
      const a = arrivals.get(id) ?? { created: [], activity: [] }
      arrivals.set(id, a)
      ;(type === 'message.created' ? a.created : a.activity).push(at)
    }
  // Each message request's answer time, and the wall-clock time it answered (to find it in other logs).
  const answered: { ms: number; at: number }[] = []
  const post = async (i: number) => {
    const start = performance.now()
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { cookie, origin: `http://localhost:${port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: `bench message ${i}` }),
    })
    if (r.status !== 201) throw new Error(`post answered ${r.status}: ${await r.text()}`)
    const id = ((await r.json()) as { id: string }).id
    answered.push({ ms: performance.now() - start, at: Date.now() })
    return { id, start }
  }
  const full = (ids: Iterable<string>) =>
    [...ids].every(
      (id) =>
        (arrivals.get(id)?.created.length ?? 0) >= viewing.length &&
        (arrivals.get(id)?.activity.length ?? 0) >= sidebar,
    )
  const settle = async (ids: Iterable<string>) => {
    const deadline = Date.now() + 30_000
    while (!full(ids) && Date.now() < deadline) await sleep(50)
  }
  // Warm-up messages, delivered but not timed: the send, notification and socket paths run cold at first.
  const warm: string[] = []
  for (let i = 0; i < WARMUP; i++) {
    warm.push((await post(-1 - i)).id)
    await sleep(50)
  }
  await settle(warm)
  console.log(
    `  message warm-up: ${WARMUP} messages, ${full(warm) ? 'all' : 'NOT all'} delivered (not timed); ${await waitIdle(db, [node.child.pid!])}`,
  )
  answered.length = 0
  const sentAt = new Map<string, number>()
  const cpu0 = cpuMs(node.child.pid!)
  const steal0 = stealMs()
  const pg0 = postgresCpuMs(dbName)
  const t0 = performance.now()
  for (let i = 0; i < MESSAGES; i++) {
    const { id, start } = await post(i)
    sentAt.set(id, start)
    await sleep(50)
  }
  await settle(sentAt.keys())
  const wall = performance.now() - t0
  const serverCpu = cpuMs(node.child.pid!) - cpu0
  const stolen = stealMs() - steal0
  const pg1 = postgresCpuMs(dbName)
  let pgCpu = 0
  for (const [pid, ms] of pg1) pgCpu += ms - (pg0.get(pid) ?? 0)
  const created: number[] = []
  const activity: number[] = []
  for (const [id, t] of sentAt) {
    const a = arrivals.get(id)
    for (const x of a?.created ?? []) created.push(x - t)
    for (const x of a?.activity ?? []) activity.push(x - t)
  }
  created.sort((x, y) => x - y)
  activity.sort((x, y) => x - y)
  line(
    `message to a ${ROOM}-member channel, POST → message.created at the ${viewing.length} showing it`,
    created,
    viewing.length * MESSAGES,
  )
  line(`  POST → conversation.activity at the other ${sidebar}`, activity, sidebar * MESSAGES)
  const slowest = answered
    .map((a, i) => ({ ...a, i }))
    .sort((x, y) => y.ms - x.ms)
    .slice(0, 3)
  line(
    '  POST → its 201 answer',
    answered.map((a) => a.ms).sort((x, y) => x - y),
    MESSAGES,
  )
  console.log(
    `    slowest answers: ${slowest.map((x) => `message ${x.i + 1} ${fmt(x.ms, 1)} ms (answered ${new Date(x.at).toISOString().slice(11, 23)})`).join(', ')}`,
  )
  console.log(
    `  CPU per message: server ${fmt(serverCpu / MESSAGES, 1)} ms, PostgreSQL ${fmt(pgCpu / MESSAGES, 1)} ms (${MESSAGES} messages in ${fmt(wall / 1000, 1)} s); CPU stolen by the host ${fmt(stolen)} ms (${fmt((stolen / (wall * availableParallelism())) * 100, 1)} % of ${availableParallelism()} cores); load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
  for (const c of clients) c.ws.terminate()
}

const line = (label: string, l: number[], expected: number) =>
  console.log(
    `  ${label}: p50 ${fmt(pct(l, 0.5), 1)} ms, p99 ${fmt(pct(l, 0.99), 1)} ms, max ${fmt(l.at(-1) ?? Number.NaN, 1)} ms (${l.length}/${expected} deliveries)`,
  )

export async function realtimeBench() {
  const name = `atrium_bench_rt_${Date.now()}`
  await withAdmin((a) => a.query(`create database ${name}`))
  const url = databaseUrl(name)
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-bench-rt-'))
  const db = new pg.Client({ connectionString: url })
  const nodes: Atrium[] = []
  const start = async (port: number, extra: Record<string, string> = {}) => {
    const a = startAtrium(
      {
        DATA_DIR: dataDir,
        PORT: String(port),
        APP_URL: `http://localhost:${port}`,
        DATABASE_URL: url,
        REALTIME_CONNECTS_PER_MINUTE: '1000000',
        MESSAGES_PER_MINUTE: '100000',
        SECRET_KEY: SECRET,
        ...extra,
      },
      process.env.BENCH_SERVER_ARGS ? process.env.BENCH_SERVER_ARGS.split(' ') : [],
    )
    nodes.push(a)
    await waitReady(`http://127.0.0.1:${port}/readyz`, performance.now())
    return a
  }
  try {
    console.log(
      `\nrealtime (PostgreSQL; one process per node, HTTP server and worker; each fan-out: ${WARMUP} warm-up events not timed, then ${EVENTS} timed, one every 20 ms, commit request → arrival at each socket)`,
    )
    const a = await start(3811)
    const password = await demoPassword(a.log)
    const cookieFor = (port: number) => signIn(`http://localhost:${port}`, 'demo@atrium.local', password)
    const tokenFor = async (port: number, cookie: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/realtime/token`, {
        method: 'POST',
        headers: { cookie, origin: `http://localhost:${port}`, 'content-type': 'application/json' },
        body: '{}',
      })
      if (res.status !== 200) throw new Error(`token answered ${res.status}`)
      return ((await res.json()) as { token: string }).token
    }
    await db.connect()
    const workspaceId = (await db.query<{ id: string }>('select id from workspaces limit 1')).rows[0]!.id
    const cookieA = await cookieFor(3811)
    await sleep(2000)
    const idle = rssMiB(a.child.pid!)

    if (process.env.BENCH_ONLY !== 'sockets') await messageFanOut(db, a, 3811, cookieA, name)
    if (process.env.BENCH_ONLY === 'message') return
    const room = await openMany(3811, () => tokenFor(3811, cookieA), ROOM)
    console.log(`  one node, ${ROOM} sockets open; ${await waitIdle(db, [a.child.pid!])}`)
    const [one] = await fanOut(db, workspaceId, [room])
    line(`fan-out to ${ROOM} sockets, one node`, one!, ROOM * EVENTS)

    const rest = await openMany(3811, () => tokenFor(3811, cookieA), SOCKETS - ROOM)
    await sleep(3000)
    const held = rssMiB(a.child.pid!)
    const all = [...room, ...rest]
    const open = all.filter((c) => c.ws.readyState === WebSocket.OPEN).length
    console.log(
      `  sockets held by one node: ${open}; RSS ${fmt(idle)} → ${fmt(held)} MiB, ${fmt(((held - idle) * 1024) / open, 1)} KiB per socket`,
    )
    for (const c of all) c.ws.terminate()
    await stop(a.child)

    const env = { REDIS_URL }
    const [n1, n2] = [await start(3811, env), await start(3812, env)]
    const s1 = await openMany(3811, async () => tokenFor(3811, await cookieFor(3811)), ROOM / 2)
    const s2 = await openMany(3812, async () => tokenFor(3812, await cookieFor(3812)), ROOM / 2)
    console.log(
      `  two nodes, ${ROOM / 2} sockets on each; ${await waitIdle(db, [n1.child.pid!, n2.child.pid!])}`,
    )
    const [l1, l2] = await fanOut(db, workspaceId, [s1, s2])
    line(
      `two nodes through Redis, sockets on the dispatching node or the other`,
      [...l1!, ...l2!].sort((x, y) => x - y),
      ROOM * EVENTS,
    )
    line('  node 1', l1!, (ROOM / 2) * EVENTS)
    line('  node 2', l2!, (ROOM / 2) * EVENTS)
    for (const c of [...s1, ...s2]) c.ws.terminate()
    await stop(n1.child)
    await stop(n2.child)
  } catch (err) {
    await sleep(1000)
    for (const n of nodes) console.error(`server log (last 3,000 characters):\n${n.log().slice(-3000)}`)
    throw err
  } finally {
    for (const n of nodes) await stop(n.child)
    await db.end().catch(() => {})
    await withAdmin((a) => a.query(`drop database if exists ${name} with (force)`))
    rmSync(dataDir, { recursive: true, force: true })
  }
}
