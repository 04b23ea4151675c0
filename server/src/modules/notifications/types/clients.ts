import { type DomainEvent, subscribe } from '../../../kernel/events/index.ts'
import type { Kernel } from '../../../kernel/kernel.ts'
import { withWorkspace } from '../../../kernel/tenancy/index.ts'
import { getVisibleClient } from '../../clients/index.ts'
import { registerNotificationType } from '../registry.ts'
import { notifyAny } from '../service.ts'
import { membersSeeingClients } from './audience.ts'

declare module '../registry.ts' {
  interface NotificationTypes {
    'client.assigned': { clientId: string; clientName: string }
  }
}

registerNotificationType({
  type: 'client.assigned',
  module: 'clients',
  label: 'A client is assigned to you',
  render: (p) => ({
    title: `${p.clientName} is assigned to you`,
    summary: 'You can now see and work on this client.',
  }),
  link: (p) => `/clients/${p.clientId}`,
  defaults: { in_app: true, email: true, push: false },
})

const SYSTEM = {
  actorId: null,
  actorLabel: 'notifications',
  ipAddress: null,
  userAgent: null,
  requestId: null,
}

/**
 * Members who see only their own clients are told when a client becomes theirs (as owner or
 * assignee): on creation, and when an update changes its owner or assignees. Client events do not say
 * who was added, so the key is the client and the member: each member is told once per client. A group
 * of events (a bulk change's, one workspace) looks at the members once for all its clients.
 */
async function assigned(events: DomainEvent<'client.created' | 'client.updated'>[], kernel: Kernel) {
  const workspaceId = events[0]?.workspaceId
  if (!workspaceId) return
  const db = kernel.database.db
  const ids = events.map((e) => e.payload.clientId)
  const byClient = await membersSeeingClients(db, workspaceId, ids, 'clients:read', { onlyLimited: true })
  for (const [clientId, to] of byClient) {
    if (!to.length) continue
    const scope = { db, workspaceId, actor: { userId: '', role: 'owner' as const }, meta: SYSTEM }
    const client = await withWorkspace(scope, (tx) => getVisibleClient(tx, scope, clientId)).catch(() => null)
    if (!client) continue
    const ctx = { db, jobs: kernel.jobs, workspaceId }
    // The key is per recipient (the dedupe index holds the recipient): each member is told once.
    await notifyAny(ctx, to, 'client.assigned', { clientId, clientName: client.name }, `client:${clientId}`)
  }
}

/**
 * An update that may have given the client to someone: its owner or assignees changed. Asked at emit
 * time (`when`), so other updates queue nothing for this subscriber.
 */
const reassigns = (p: DomainEvent<'client.updated'>['payload']) =>
  !p.fields || p.fields.some((x) => x === 'assigneeIds' || x === 'ownerId')

export const clientNotifications = [
  subscribe<'client.created', Kernel>(
    'client.created',
    'notifications.client-created',
    (e, k) => assigned([e], k),
    { handleMany: assigned },
  ),
  subscribe<'client.updated', Kernel>(
    'client.updated',
    'notifications.client-updated',
    (e, k) => assigned([e], k),
    { handleMany: assigned, when: reassigns },
  ),
]
