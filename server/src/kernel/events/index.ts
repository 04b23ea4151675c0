import type { Tx } from '../db/index.ts'
import type { Jobs } from '../jobs/index.ts'

export type DomainEvent<T = Record<string, unknown>> = {
  type: string
  workspaceId: string | null
  occurredAt: string
  payload: T
}

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
  on<T>(type: string, name: string, handler: (event: DomainEvent<T>) => Promise<void>): void {
    const queue = `event.${name}`
    this.jobs.register<DomainEvent<T>>(queue, (e) => handler(e))
    this.subscribers.set(type, [...(this.subscribers.get(type) ?? []), queue])
  }

  async emit<T extends object>(tx: Tx, type: string, workspaceId: string | null, payload: T): Promise<void> {
    await this.emitMany(tx, type, workspaceId, [payload])
  }

  /** One event per payload (bulk changes), written in as few statements as the queue allows. */
  async emitMany<T extends object>(
    tx: Tx,
    type: string,
    workspaceId: string | null,
    payloads: T[],
  ): Promise<void> {
    const queues = this.subscribers.get(type) ?? []
    if (!queues.length || !payloads.length) return
    const occurredAt = new Date().toISOString()
    await this.jobs.sendAll(
      payloads.flatMap((payload) =>
        queues.map((name) => ({ name, data: { type, workspaceId, occurredAt, payload } as DomainEvent<T> })),
      ),
      tx,
    )
  }
}
