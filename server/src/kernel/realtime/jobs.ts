import type { Database } from '../db/index.ts'
import type { Jobs } from '../jobs/index.ts'
import { pruneEvents } from './service.ts'

export const PRUNE_QUEUE = 'realtime.prune'

/** Deletes realtime events past their retention, once an hour on one node. */
export function registerRealtimeJobs(jobs: Jobs, database: Database): void {
  jobs.register(PRUNE_QUEUE, async () => void (await pruneEvents(database)), {
    cron: '23 * * * *',
    retryLimit: 2,
  })
}
