import { queryOptions } from '@tanstack/react-query'
import type { z } from 'zod'
import type {
  ConversationPageSchema,
  ConversationSchema,
  MessagePageSchema,
  MessageSchema,
  ParticipantSchema,
  SearchPageSchema,
} from '../../../../contracts/messaging.ts'
import { api, queryString } from '../../lib/api.ts'
import { shellKeys } from './keys.ts'

export type Conversation = z.output<typeof ConversationSchema>
export type ConversationPage = z.output<typeof ConversationPageSchema>
export type Message = z.output<typeof MessageSchema>
export type MessagePage = z.output<typeof MessagePageSchema>
export type Participant = z.output<typeof ParticipantSchema>
export type SearchPage = z.output<typeof SearchPageSchema>
export const messagingKeys = {
  all: ['messaging'] as const,
  ...shellKeys,
  list: ['messaging', 'conversations', 'list'] as const,
  conversation: (id: string) => ['messaging', 'conversations', 'one', id] as const,
  members: (id: string) => ['messaging', 'members', id] as const,
  messages: (id: string) => ['messaging', 'messages', id] as const,
  history: (id: string, around: string | null) => ['messaging', 'messages', id, around] as const,
  replies: (id: string, parentId: string) => ['messaging', 'messages', id, 'replies', parentId] as const,
  search: (q: string) => ['messaging', 'search', q] as const,
}
export type UploadedFile = { id: string; name: string; contentType: string; size: number }

const enc = encodeURIComponent
const base = (id: string) => `/api/v1/conversations/${enc(id)}`

/** The conversations the user takes part in (and public channels), most recently active first. */
export const conversationsQuery = queryOptions({
  queryKey: messagingKeys.list,
  queryFn: ({ signal }) => api.get<ConversationPage>('/api/v1/conversations?limit=200', signal),
})

export const conversationQuery = (id: string) =>
  queryOptions({
    queryKey: messagingKeys.conversation(id),
    queryFn: ({ signal }) => api.get<Conversation>(base(id), signal),
  })

export const membersQuery = (id: string) =>
  queryOptions({
    queryKey: messagingKeys.members(id),
    queryFn: ({ signal }) => api.get<{ data: Participant[] }>(`${base(id)}/members`, signal),
    staleTime: 60_000,
  })

/** Where a page of history starts: the newest, before or after a message, or around one (a jump). */
export type HistoryParam = { before?: string; after?: string; around?: string }

export const fetchHistory = (id: string, param: HistoryParam, signal?: AbortSignal) =>
  api.get<MessagePage>(`${base(id)}/messages${queryString({ limit: 50, ...param })}`, signal)

export const repliesQuery = (id: string, parentId: string) =>
  queryOptions({
    queryKey: messagingKeys.replies(id, parentId),
    queryFn: ({ signal }) =>
      api.get<MessagePage>(`${base(id)}/messages/${enc(parentId)}/replies?limit=100`, signal),
  })

export const messageQuery = (id: string, messageId: string) =>
  queryOptions({
    queryKey: [...messagingKeys.messages(id), 'one', messageId] as const,
    queryFn: ({ signal }) => api.get<Message>(`${base(id)}/messages/${enc(messageId)}`, signal),
  })

export const searchMessages = (q: string) => ({
  queryKey: messagingKeys.search(q),
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    q
      ? api.get<SearchPage>(`/api/v1/conversations/messages/search${queryString({ q, limit: 20 })}`, signal)
      : Promise.resolve<SearchPage>({ data: [], nextCursor: null }),
})

export const messagingApi = {
  createChannel: (input: { kind: 'channel_public' | 'channel_private'; name: string; topic?: string }) =>
    api.post<Conversation>('/api/v1/conversations', { ...input, memberIds: [] }),
  openDirect: (userId: string) => api.post<Conversation>('/api/v1/conversations/direct', { userId }),
  update: (id: string, input: { name?: string; topic?: string | null }) =>
    api.patch<Conversation>(base(id), input),
  archive: (id: string, archived: boolean) =>
    api.post<Conversation>(`${base(id)}/${archived ? 'archive' : 'unarchive'}`),
  addMembers: (id: string, userIds: string[]) => api.post<Conversation>(`${base(id)}/members`, { userIds }),
  removeMember: (id: string, userId: string) => api.delete(`${base(id)}/members/${enc(userId)}`),
  join: (id: string) => api.post<Conversation>(`${base(id)}/join`),
  leave: (id: string) => api.post<void>(`${base(id)}/leave`),
  markRead: (id: string, messageId: string) =>
    api.post<{ lastReadMessageId: string | null; unreadCount: number }>(`${base(id)}/read`, { messageId }),
  post: (id: string, input: { body: string; parentId?: string; attachmentIds?: string[] }) =>
    api.post<Message>(`${base(id)}/messages`, input),
  edit: (id: string, messageId: string, body: string) =>
    api.patch<Message>(`${base(id)}/messages/${enc(messageId)}`, { body }),
  remove: (id: string, messageId: string) => api.delete(`${base(id)}/messages/${enc(messageId)}`),
  react: (id: string, messageId: string, emoji: string, on: boolean) =>
    on
      ? api.post<Message>(`${base(id)}/messages/${enc(messageId)}/reactions`, { emoji })
      : api.delete<Message>(`${base(id)}/messages/${enc(messageId)}/reactions/${enc(emoji)}`),
  upload: (file: File) =>
    api.upload<UploadedFile>(
      `/api/v1/files${queryString({ name: file.name })}`,
      new Blob([file], { type: file.type || 'application/octet-stream' }),
    ),
}

/** The URL of a stored file: shown in the page (`inline`) or downloaded. */
export const fileUrl = (id: string, inline = false) =>
  `/api/v1/files/${enc(id)}/content${inline ? '?disposition=inline' : ''}`
