import type { Db } from '../../kernel/db/index.ts'
import type { Events } from '../../kernel/events/index.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { registerImportJob } from './import.service.ts'

/**
 * Domain events this module emits (payloads carry ids; subscribers read what they need):
 * - `client.created` { clientId, name }
 * - `client.updated` { clientId, fields? }
 * - `client.archived` / `client.restored` { clientId }
 * - `client.deleted` { clientId, name }
 * - `contact.created` / `contact.updated` / `contact.deleted` { clientId, contactId }
 */
export const clientEvents = [
  'client.created',
  'client.updated',
  'client.archived',
  'client.restored',
  'client.deleted',
  'contact.created',
  'contact.updated',
  'contact.deleted',
] as const

/** The module's background work: CSV imports. */
export function registerClientJobs(jobs: Jobs, db: Db, events: Events): void {
  registerImportJob(jobs, db, events)
}
