import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.ts'
import { Jobs } from '../jobs/index.ts'
import { type DomainEvent, EVENTS_PER_JOB, Events } from './index.ts'

let t: TestApp
let jobs: Jobs
let events: Events
type Seen = { name: string; sub: string }
const seen: Seen[] = []
const grouped: number[] = []
const failOnce = new Set(['one:b', 'many:b'])
const failAlways = new Set(['x', 'y'])
let groupFails = true

beforeAll(async () => {
  t = await createTestApp()
  jobs = new Jobs(t.database, pino({ level: 'silent' }))
  events = new Events(jobs)
  const handle = async (e: DomainEvent<'client.created'>, sub: string) => {
    seen.push({ name: e.payload.name, sub })
    if (failOnce.delete(`${sub}:${e.payload.name}`) || failAlways.has(e.payload.name))
      throw new Error(`${e.payload.name} failed`)
  }
  events.on('client.created', 'test-grouped', (e) => handle(e, 'one'))
  events.on(
    'client.created',
    'test-grouped-many',
    (e) => handle(e, 'many'),
    async (es) => {
      grouped.push(es.length)
      if (groupFails) throw new Error('the group handler failed')
    },
  )
  events.on(
    'client.created',
    'test-filtered',
    (e) => handle(e, 'filtered'),
    undefined,
    (p) => p.name.startsWith('keep'),
  )
  await jobs.start({ work: true })
})
afterAll(async () => {
  await jobs?.stop()
  await t?.close()
})

const emit = (names: string[]) =>
  t.database.db.transaction((tx) =>
    events.emitMany(
      tx,
      'client.created',
      null,
      names.map((name) => ({ clientId: `cli_${name}`, name })),
    ),
  )

async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = read()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('events of one bulk change', () => {
  it('share one job per subscriber; an event that fails is retried alone, the others are not run again', async () => {
    await emit(['a', 'b', 'c'])
    // Each subscriber saw a, b, c once from the group, then b again alone (its own job).
    await until(() => (seen.filter((s) => s.name === 'b').length === 4 ? true : undefined), 'b retried')
    const { rows } = await t.database.db.execute<{ name: string; n: number }>(
      `select name, count(*)::int as n from pgboss.job_common where name like 'event.test-grouped%' group by name order by name`,
    )
    // One group job per subscriber, plus one job for b on its own in each.
    expect(rows).toEqual([
      { name: 'event.test-grouped', n: 2 },
      { name: 'event.test-grouped-many', n: 2 },
    ])
    expect(seen.filter((s) => s.name === 'a')).toHaveLength(2)
    expect(seen.filter((s) => s.name === 'c')).toHaveLength(2)
    // The group handler was offered the three at once (it failed, so each went to the single handler).
    expect(grouped).toContain(3)
  })

  it('a group handler that succeeds takes the whole group; more than EVENTS_PER_JOB events make more jobs', async () => {
    groupFails = false
    seen.length = 0
    grouped.length = 0
    const names = Array.from({ length: EVENTS_PER_JOB + 2 }, (_, i) => `n${i}`)
    await emit(names)
    await until(
      () => (grouped.reduce((s, n) => s + n, 0) === names.length ? true : undefined),
      'both groups handled',
    )
    expect(grouped.sort((x, y) => y - x)).toEqual([EVENTS_PER_JOB, 2])
    // The subscriber without a group handler got each event once.
    await until(() => (seen.length === names.length ? true : undefined), 'every event seen once')
    expect(new Set(seen.map((s) => s.name)).size).toBe(names.length)
  })

  it('a group whose every event fails is retried as a group', async () => {
    groupFails = true
    seen.length = 0
    await emit(['x', 'y'])
    // The group fails as a whole, so it is retried (with backoff): x and y run again, still together.
    await until(
      () => (seen.filter((s) => s.name === 'x').length >= 4 ? true : undefined),
      'the group retried',
    )
    const { rows } = await t.database.db.execute<{ n: number }>(
      `select count(*)::int as n from pgboss.job_common where name = 'event.test-grouped' and data ? 'payload' and data->'payload'->>'name' in ('x', 'y')`,
    )
    expect(rows[0]?.n).toBe(0)
  })

  it('a subscriber that wants only some events gets jobs for those alone', async () => {
    seen.length = 0
    await emit(['keep1', 'drop1', 'keep2'])
    await emit(['drop2'])
    await emit(['keep3'])
    await until(
      () => (seen.filter((s) => s.sub === 'filtered').length === 3 ? true : undefined),
      'the wanted events handled',
    )
    expect(
      seen
        .filter((s) => s.sub === 'filtered')
        .map((s) => s.name)
        .sort(),
    ).toEqual(['keep1', 'keep2', 'keep3'])
    // One group of the two it wants, one single event; nothing written for drop1 or drop2.
    const { rows } = await t.database.db.execute<{ n: number; events: number }>(
      `select count(*)::int as n, sum(coalesce(jsonb_array_length(data->'payloads'), 1))::int as events
         from pgboss.job_common where name = 'event.test-filtered'`,
    )
    expect(rows[0]).toEqual({ n: 2, events: 3 })
    // The others still got every event.
    await until(
      () => (seen.filter((s) => s.name === 'drop2').length === 2 ? true : undefined),
      'drop2 seen by the others',
    )
  })
})
