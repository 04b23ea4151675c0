import { messagingPermissions } from '../../../../contracts/messaging.ts'
import { noEvents } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { defineModule } from '../../kernel/module.ts'
import { defineRoomKind, type RoomAuthorizer } from '../../kernel/realtime/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { registerFileRecordType } from '../files/index.ts'
import { conversationReaders, MEMBER_ROOM, readableConversations, writableMessages } from './access.ts'
import { canReadConversation, createConversation, type MessagingDeps } from './conversations.service.ts'
import './events.ts'
import { sql } from 'drizzle-orm'
import { messageFilesChanged, postMessage } from './messages.service.ts'
import { registerMessagingRoutes } from './routes.ts'
import * as tables from './schema.ts'

// Sockets join `conversation:<id>` only when they may read it; the catch-up route applies the same rule.
const mayReadConversation: RoomAuthorizer = (ctx, id) =>
  withWorkspace({ db: ctx.db, workspaceId: ctx.workspaceId }, (tx) => canReadConversation(tx, ctx.actor, id))
defineRoomKind('conversation', mayReadConversation)
// `conversation-members:<id>`: what every participant's sidebar hears of a conversation that is not
// public (`conversation.activity`), one event for all of them, sent to their own sockets at dispatch —
// except the sockets that joined `conversation:<id>`: its `message.created` already tells them.
defineRoomKind(MEMBER_ROOM, mayReadConversation, {
  members: conversationReaders,
  heardIn: (id) => `conversation:${id}`,
})

// A message's attachments are visible to whoever may read its conversation; only its author attaches
// files to it (or removes them), while they may still edit it.
registerFileRecordType({
  type: 'message',
  writable: (tx, ctx, ids) => writableMessages(tx, ctx.actor, ids),
  filesChanged: (tx, ctx, id) => messageFilesChanged(tx, ctx.workspaceId, id),
  async visible(tx, ctx, ids) {
    if (!ids.length) return new Set()
    const r = await tx.execute(sql`select m.id from messages m
      where m.id in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )}) and m.deleted_at is null and ${readableConversations(ctx.actor, sql`m.conversation_id`)}`)
    return new Set((r as unknown as { rows: { id: string }[] }).rows.map((x) => x.id))
  },
})

const seedDeps: MessagingDeps = {
  events: noEvents,
  storage: null,
  limits: { maxLength: 100_000, perMinute: 1_000_000 },
  limiter: null,
}

/** A #general channel with a welcome thread in the demo workspace. */
async function seedDemoMessaging(ctx: ServiceContext) {
  const general = await createConversation(seedDeps, ctx, {
    kind: 'channel_public',
    name: 'general',
    topic: 'Company-wide announcements and chat',
    memberIds: [],
  })
  await createConversation(seedDeps, ctx, {
    kind: 'channel_public',
    name: 'random',
    topic: 'Anything goes',
    memberIds: [],
  })
  const first = await postMessage(seedDeps, ctx, general.id, {
    body: 'Welcome to **Atrium**! This is the `#general` channel: say hello to the team.',
    attachmentIds: [],
  })
  await postMessage(seedDeps, ctx, general.id, {
    body: 'Reply in a thread to keep the channel tidy, and use `@channel` sparingly.',
    parentId: first.id,
    attachmentIds: [],
  })
}

/**
 * Conversations (channels, direct and group messages, client conversations), messages with markdown,
 * mentions, threads, reactions and attachments, read receipts, realtime and search. Other modules
 * subscribe to its events (`events.ts`); they do not read its tables.
 */
export default defineModule({
  name: 'messaging',
  tables,
  permissions: messagingPermissions,
  ids: { cnv: 'conversation', cnp: 'conversation participant', msg: 'message' },
  routes: registerMessagingRoutes,
  seed: seedDemoMessaging,
})

export { type MessageCreatedEvent, messagingEvents } from './events.ts'
