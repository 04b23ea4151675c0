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

/** A named, idempotent subscriber, as a module definition lists it. */
export type Subscription<Deps> = {
  [K in EventType]: { event: K; name: string; handle: (event: DomainEvent<K>, deps: Deps) => Promise<void> }
}[EventType]

/** A typed subscription for a module definition's `events` list. */
export function subscribe<K extends EventType, Deps>(
  event: K,
  name: string,
  handle: (event: DomainEvent<K>, deps: Deps) => Promise<void>,
): Subscription<Deps> {
  return { event, name, handle } as unknown as Subscription<Deps>
}

/** Where services write events: the `Events` outbox, or a sink that drops them (the seed). */
export type EventSink = Pick<Events, 'emit' | 'emitMany'>

/**
 * Domain events through the job queue as a transactional outbox: `emit` writes one job per
 * subscriber in the caller's transaction; subscribers run after commit, at least once.
 */
export class Events {
  private readonly subscribers = new Map<string, string[]>()
  private readonly jobs: Jobs

  constructor(jobs: Jobs) {
    this.jobs = jobs
  }

  /** Subscribes a named, idempotent handler to an event type. */
  on<K extends EventType>(type: K, name: string, handler: (event: DomainEvent<K>) => Promise<void>): void {
    const queue = `event.${name}`
    this.jobs.register<DomainEvent<K>>(queue, (e) => handler(e))
    this.subscribers.set(type, [...(this.subscribers.get(type) ?? []), queue])
  }

  async emit<K extends EventType>(
    tx: Tx,
    type: K,
    workspaceId: string | null,
    payload: DomainEvents[K],
  ): Promise<void> {
    await this.emitMany(tx, type, workspaceId, [payload])
  }

  /** One event per payload (bulk changes), written in as few statements as the queue allows. */
  async emitMany<K extends EventType>(
    tx: Tx,
    type: K,
    workspaceId: string | null,
    payloads: DomainEvents[K][],
  ): Promise<void> {
    const queues = this.subscribers.get(type) ?? []
    if (!queues.length || !payloads.length) return
    const occurredAt = new Date().toISOString()
    await this.jobs.sendAll(
      payloads.flatMap((payload) =>
        queues.map((name) => ({ name, data: { type, workspaceId, occurredAt, payload } as DomainEvent<K> })),
      ),
      tx,
    )
  }
}

/** Drops every event: for writes made before the app runs (the demo seed). */
export const noEvents: EventSink = { emit: async () => {}, emitMany: async () => {} }
