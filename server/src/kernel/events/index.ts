import type { Tx } from '../db/index.ts'
import type { Jobs } from '../jobs/index.ts'

/**
 * Every domain event and its payload. The kernel declares none: each module adds the events it emits
 * from its `events.ts` (declaration merging), so the compiler checks a payload from the emitter to
 * every subscriber:
 *
 *   declare module '../../kernel/events/index.ts' {
 *     interface DomainEvents { 'client.created': { clientId: string; name: string } }
 *   }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the modules (declaration merging)
export interface DomainEvents {}
export type EventType = Extract<keyof DomainEvents, string>

export type DomainEvent<K extends EventType = EventType> = {
  type: K
  workspaceId: string | null
  occurredAt: string
  payload: DomainEvents[K]
}

/**
 * A named, idempotent subscriber, as a module definition lists it. `handleMany`, when given, takes the
 * events of one bulk change at once (all of one type and workspace), so per-workspace work is done once
 * per group; without it (or when it throws) each event goes to `handle`. `when`, when given, is asked
 * at emit time, in the emitter's process: an event it answers false for is not queued for this
 * subscriber at all (no job written, none run). It must be a pure test of the payload.
 */
export type Subscription<Deps> = {
  [K in EventType]: {
    event: K
    name: string
    handle: (event: DomainEvent<K>, deps: Deps) => Promise<void>
    handleMany?: (events: DomainEvent<K>[], deps: Deps) => Promise<void>
    when?: (payload: DomainEvents[K]) => boolean
  }
}[EventType]

/** Options of a subscription: a handler of groups, and a test of which events it wants. */
export type SubscribeOptions<K extends EventType, Deps> = {
  handleMany?: (events: DomainEvent<K>[], deps: Deps) => Promise<void>
  when?: (payload: DomainEvents[K]) => boolean
}

/** A typed subscription for a module definition's `events` list. */
export function subscribe<K extends EventType, Deps>(
  event: K,
  name: string,
  handle: (event: DomainEvent<K>, deps: Deps) => Promise<void>,
  opts: SubscribeOptions<K, Deps> = {},
): Subscription<Deps> {
  return { event, name, handle, ...opts } as unknown as Subscription<Deps>
}

/** The events of one `emitMany` share a job, up to this many each. */
export const EVENTS_PER_JOB = 500

/** A job of the outbox: one event, or a group of one bulk change's events (same type and workspace). */
type EventJob<K extends EventType> =
  | DomainEvent<K>
  | { type: K; workspaceId: string | null; occurredAt: string; payloads: DomainEvents[K][] }

/** Where services write events: the `Events` outbox, or a sink that drops them (the seed). */
export type EventSink = Pick<Events, 'emit' | 'emitMany'>

/**
 * Domain events through the job queue as a transactional outbox: `emit` writes one job per
 * subscriber in the caller's transaction; subscribers run after commit, at least once. `emitMany`
 * writes one job per subscriber for each `EVENTS_PER_JOB` events: a 2,000-client import batch is four
 * jobs per subscriber, not 2,000. Should some events of a group fail, each of those is queued again on
 * its own (retried and failed alone) and the group is done; should all fail, the group is retried.
 */
export class Events {
  private readonly subscribers = new Map<string, { queue: string; when?: (payload: never) => boolean }[]>()
  private readonly jobs: Jobs

  constructor(jobs: Jobs) {
    this.jobs = jobs
  }

  /**
   * Subscribes a named, idempotent handler to an event type (optionally a handler of groups, and a test
   * of which events it wants: see `Subscription`).
   */
  on<K extends EventType>(
    type: K,
    name: string,
    handler: (event: DomainEvent<K>) => Promise<void>,
    many?: (events: DomainEvent<K>[]) => Promise<void>,
    when?: (payload: DomainEvents[K]) => boolean,
  ): void {
    const queue = `event.${name}`
    this.jobs.register<EventJob<K>>(queue, async (job) => {
      if (!('payloads' in job)) return handler(job)
      const { payloads, ...common } = job
      const events = payloads.map((payload) => ({ ...common, payload }))
      // A group handler that fails leaves the group to the single handler, which isolates the failure.
      if (
        many &&
        (await many(events)
          .then(() => true)
          .catch(() => false))
      )
        return
      let lastError: unknown
      const failed: DomainEvent<K>[] = []
      for (const e of events)
        await handler(e).catch((err: unknown) => {
          lastError = err
          failed.push(e)
        })
      if (!failed.length) return
      if (failed.length === events.length) throw lastError
      await this.jobs.sendAll(failed.map((data) => ({ name: queue, data })))
    })
    this.subscribers.set(type, [...(this.subscribers.get(type) ?? []), { queue, when }])
  }

  async emit<K extends EventType>(
    tx: Tx,
    type: K,
    workspaceId: string | null,
    payload: DomainEvents[K],
  ): Promise<void> {
    await this.emitMany(tx, type, workspaceId, [payload])
  }

  /** One event per payload (bulk changes): one job per subscriber and group of `EVENTS_PER_JOB`. */
  async emitMany<K extends EventType>(
    tx: Tx,
    type: K,
    workspaceId: string | null,
    payloads: DomainEvents[K][],
  ): Promise<void> {
    const subscribers = this.subscribers.get(type) ?? []
    if (!subscribers.length || !payloads.length) return
    const occurredAt = new Date().toISOString()
    const jobs: { name: string; data: EventJob<K> }[] = []
    for (const { queue: name, when } of subscribers) {
      const wanted = when ? payloads.filter(when as (p: DomainEvents[K]) => boolean) : payloads
      if (wanted.length === 1)
        jobs.push({ name, data: { type, workspaceId, occurredAt, payload: wanted[0]! } })
      else
        for (let i = 0; i < wanted.length; i += EVENTS_PER_JOB)
          jobs.push({
            name,
            data: { type, workspaceId, occurredAt, payloads: wanted.slice(i, i + EVENTS_PER_JOB) },
          })
    }
    await this.jobs.sendAll(jobs, tx)
  }
}

/** Drops every event: for writes made before the app runs (the demo seed). */
export const noEvents: EventSink = { emit: async () => {}, emitMany: async () => {} }
