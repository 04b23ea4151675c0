import { useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { cn } from '../../components/ui/index.ts'
import { usePresence } from '../../lib/presence.ts'
import { membersQuery } from './api.ts'

/** A member's presence beside their name: green online, hollow amber away, nothing offline. */
export function PresenceDot({ userId }: { userId: string | null | undefined }) {
  const { t } = useTranslation()
  const state = usePresence(userId)
  if (state === 'offline') return null
  return (
    <span data-testid="presence-dot" data-state={state} className="inline-flex shrink-0 items-center">
      <span
        aria-hidden="true"
        className={cn(
          'size-2.5 rounded-full border-2',
          state === 'online'
            ? 'border-green-600 bg-green-600 dark:border-green-400 dark:bg-green-400'
            : 'border-amber-600 dark:border-amber-400',
        )}
      />
      <span className="sr-only">{t(`messaging.presence.${state}`)}</span>
    </span>
  )
}

/** The other participant's presence in a direct conversation (participants are cached by the list). */
export function DirectPresenceDot({ conversationId, meId }: { conversationId: string; meId: string }) {
  const { data } = useQuery(membersQuery(conversationId))
  const peer = data?.data.find((p) => p.userId && p.userId !== meId)
  return <PresenceDot userId={peer?.userId} />
}
