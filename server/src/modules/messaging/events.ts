import type { ConversationKind } from '../../../../contracts/messaging.ts'

/** What subscribers learn of a new message (notifications: mentions and direct messages). */
export type MessageCreatedEvent = {
  conversationId: string
  messageId: string
  /** The member who wrote it (null for a message without a member author). */
  authorId: string | null
  conversationKind: ConversationKind
  /** The thread's first message when this is a reply. */
  parentId: string | null
  /** Members named with `@name`, resolved to user ids; never the author. */
  mentionedUserIds: string[]
  /** `@channel` (or `@here`): every participant is meant. */
  channelMention: boolean
  /**
   * For direct and group conversations, and for any message with `@channel`: every current
   * participant's user id (the author too); empty otherwise.
   */
  participantUserIds: string[]
  /**
   * Participants who muted the conversation (a subscriber may spare them all but mentions), when the
   * message names anyone or the conversation is direct or group; empty otherwise.
   */
  mutedUserIds: string[]
}

declare module '../../kernel/events/index.ts' {
  interface DomainEvents {
    'message.created': MessageCreatedEvent
    'message.updated': { conversationId: string; messageId: string; authorId: string | null }
    'message.deleted': { conversationId: string; messageId: string; authorId: string | null }
    'conversation.created': { conversationId: string; conversationKind: ConversationKind; createdBy: string }
    'conversation.member_added': {
      conversationId: string
      conversationKind: ConversationKind
      userId: string
      addedBy: string
    }
    /** `left` when the member left on their own; otherwise someone removed them. */
    'conversation.member_removed': {
      conversationId: string
      conversationKind: ConversationKind
      userId: string
      removedBy: string
      left: boolean
    }
  }
}

/** The domain events the messaging module emits (payloads carry ids; subscribers read what they need). */
export const messagingEvents = [
  'message.created',
  'message.updated',
  'message.deleted',
  'conversation.created',
  'conversation.member_added',
  'conversation.member_removed',
] as const
