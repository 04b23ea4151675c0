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
    const event: DomainEvent<T> = { type, workspaceId, occurredAt: new Date().toISOString(), payload }
    const queues = this.subscribers.get(type) ?? []
    await this.jobs.sendAll(
      queues.map((name) => ({ name, data: event })),
      tx,
    )
  }
}
