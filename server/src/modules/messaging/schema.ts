import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from '../../kernel/auth/schema.ts'
import { workspaces } from '../../kernel/tenancy/schema.ts'

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 })
const workspaceId = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' })

/**
 * A conversation: a public or private channel, a direct message between two members (`direct_key` is
 * the pair, sorted, so the same pair always finds the same conversation), a group, or the conversation
 * of one client (`client_id`, no foreign key: modules do not share tables), which later includes the
 * client's portal users as external participants. `last_seq` numbers its messages.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    kind: text('kind').notNull(),
    name: text('name'),
    topic: text('topic'),
    clientId: text('client_id'),
    directKey: text('direct_key'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    lastMessageAt: ts('last_message_at'),
    archivedAt: ts('archived_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check(
      'conversations_kind_check',
      sql`${t.kind} in ('channel_public', 'channel_private', 'direct', 'group', 'client')`,
    ),
    uniqueIndex('conversations_direct_key_idx').on(t.workspaceId, t.directKey),
    uniqueIndex('conversations_client_idx').on(t.workspaceId, t.clientId),
    index('conversations_kind_idx').on(t.workspaceId, t.kind, t.id),
  ],
)

/**
 * Who takes part in a conversation: a workspace member (`member`, `user_id`), or someone outside the
 * team (`external`: a portal user, a client's contact by `contact_id`). Leaving sets `left_at`; the
 * read cursor is the last message read (`last_read_seq`, `last_read_message_id`).
 */
export const conversationParticipants = pgTable(
  'conversation_participants',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    type: text('type').notNull().default('member'),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    contactId: text('contact_id'),
    role: text('role').notNull().default('member'),
    joinedAt: ts('joined_at').notNull().defaultNow(),
    leftAt: ts('left_at'),
    lastReadSeq: bigint('last_read_seq', { mode: 'number' }).notNull().default(0),
    lastReadMessageId: text('last_read_message_id'),
    lastReadAt: ts('last_read_at'),
    muted: boolean('muted').notNull().default(false),
  },
  (t) => [
    check('conversation_participants_type_check', sql`${t.type} in ('member', 'external')`),
    check('conversation_participants_role_check', sql`${t.role} in ('owner', 'member')`),
    check(
      'conversation_participants_who_check',
      sql`(${t.type} = 'member' and ${t.userId} is not null) or (${t.type} = 'external' and (${t.userId} is not null or ${t.contactId} is not null))`,
    ),
    uniqueIndex('conversation_participants_user_idx').on(t.conversationId, t.userId),
    uniqueIndex('conversation_participants_contact_idx').on(t.conversationId, t.contactId),
    index('conversation_participants_by_user_idx').on(t.workspaceId, t.userId, t.conversationId),
  ],
)

/**
 * A message: its markdown source (`body`; empty once deleted), its place in the conversation (`seq`),
 * the thread it answers (`parent_id`) and, on a thread's first message, its reply count.
 */
export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    parentId: text('parent_id'),
    replyCount: integer('reply_count').notNull().default(0),
    lastReplyAt: ts('last_reply_at'),
    mentionedUserIds: uuid('mentioned_user_ids').array().notNull().default(sql`'{}'::uuid[]`),
    channelMention: boolean('channel_mention').notNull().default(false),
    hasAttachments: boolean('has_attachments').notNull().default(false),
    editedAt: ts('edited_at'),
    deletedAt: ts('deleted_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('messages_conversation_seq_idx').on(t.conversationId, t.seq),
    index('messages_thread_idx').on(t.parentId, t.seq),
    index('messages_workspace_created_idx').on(t.workspaceId, t.createdAt, t.id),
  ],
)

/** One emoji of one user on one message. */
export const messageReactions = pgTable(
  'message_reactions',
  {
    workspaceId: workspaceId(),
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId, t.emoji] })],
)

/** Search facets of messages (`kernel/search`): filter values as equality joins. */
export const messageFacets = pgTable(
  'message_facets',
  {
    workspaceId: uuid('workspace_id').notNull(),
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.key, t.value] }),
    index('message_facets_lookup_idx').on(t.workspaceId, t.key, t.value, t.messageId),
  ],
)
