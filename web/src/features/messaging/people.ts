import { useQueries, useQuery } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { useMemo } from 'react'
import { type Conversation, membersQuery } from './api.ts'

/** Names of a conversation's participants by user id (authors, typers, reactors, read receipts). */
export function useNames(conversationId: string | undefined): Map<string, string> {
  const { data } = useQuery({ ...membersQuery(conversationId ?? ''), enabled: !!conversationId })
  return useMemo(() => {
    const names = new Map<string, string>()
    for (const p of data?.data ?? []) if (p.userId) names.set(p.userId, p.name ?? '')
    return names
  }, [data])
}

/**
 * The name a direct or group conversation goes by: the other participants' names. The list API does
 * not carry them, so each direct conversation's participants are read once (and cached).
 */
export function usePeerNames(conversations: readonly Conversation[], meId: string): Map<string, string> {
  const people = conversations.filter((c) => c.kind === 'direct' || (c.kind === 'group' && !c.name))
  const results = useQueries({ queries: people.map((c) => membersQuery(c.id)) })
  const key = results.map((r) => r.dataUpdatedAt).join(',')
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed when any participants answer changes (key)
  return useMemo(() => {
    const names = new Map<string, string>()
    people.forEach((c, i) => {
      const others = (results[i]?.data?.data ?? []).filter((p) => p.userId !== meId).map((p) => p.name ?? '')
      if (others.length) names.set(c.id, others.join(', '))
    })
    return names
  }, [key, meId])
}

export function conversationLabel(c: Conversation, peers: Map<string, string>, t: TFunction): string {
  if (c.kind === 'channel_public' || c.kind === 'channel_private') return `#${c.name ?? ''}`
  return c.name ?? peers.get(c.id) ?? t('messaging.unnamed')
}
