import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ActionFeedback,
  Button,
  Card,
  EmptyState,
  HeaderRow,
  QueryState,
  Table,
  TBody,
  TD,
  TR,
} from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'
import { securityApi, sessionsQuery } from './api.ts'

export function SessionsSection() {
  const { t } = useTranslation()
  const formatDateTime = useFormatDateTime()
  const sessions = useQuery(sessionsQuery)
  const [notice, setNotice] = useState<string | null>(null)
  const queryKey = sessionsQuery.queryKey
  const revoke = useRefreshingMutation({
    mutationFn: securityApi.revokeSession,
    queryKey,
    onSuccess: () => setNotice(t('security.sessions.revoked')),
  })
  const revokeOthers = useRefreshingMutation({
    mutationFn: securityApi.revokeOtherSessions,
    queryKey,
    onSuccess: (result) => setNotice(t('security.sessions.revokedOthers', { count: result?.revoked ?? 0 })),
  })
  const others = sessions.data?.data.filter((session) => !session.current).length ?? 0

  return (
    <Card
      title={t('security.sessions.title')}
      description={t('security.sessions.description')}
      actions={
        <Button
          variant="secondary"
          disabled={others === 0}
          loading={revokeOthers.isPending}
          onClick={() => revokeOthers.mutate()}
        >
          {t('security.sessions.revokeOthers')}
        </Button>
      }
    >
      <div className="space-y-4">
        <ActionFeedback
          error={
            revoke.error || revokeOthers.error ? errorMessage(revoke.error ?? revokeOthers.error, t) : null
          }
          notice={notice}
        />
        <QueryState
          query={sessions}
          isEmpty={(data) => data.data.length === 0}
          empty={<EmptyState title={t('security.sessions.empty')} />}
        >
          {(data) => (
            <Table caption={t('security.sessions.title')}>
              <HeaderRow
                columns={[
                  t('security.sessions.device'),
                  t('security.sessions.ipAddress'),
                  t('security.sessions.lastSeen'),
                ]}
                actions={t('common.actions')}
              />
              <TBody>
                {data.data.map((session) => (
                  <TR key={session.id}>
                    <TD>
                      <span className="font-medium">
                        {session.device || t('security.sessions.unknownDevice')}
                      </span>
                      {session.current ? (
                        <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100">
                          {t('security.sessions.thisDevice')}
                        </span>
                      ) : null}
                    </TD>
                    <TD>{session.ipAddress ?? t('common.unknown')}</TD>
                    <TD>{formatDateTime(session.lastSeenAt ?? session.createdAt)}</TD>
                    <TD className="text-right">
                      {session.current ? null : (
                        <Button
                          variant="secondary"
                          loading={revoke.isPending && revoke.variables === session.id}
                          onClick={() => revoke.mutate(session.id)}
                          aria-label={t('security.sessions.revokeNamed', {
                            device: session.device || t('security.sessions.unknownDevice'),
                          })}
                        >
                          {t('security.sessions.revoke')}
                        </Button>
                      )}
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </QueryState>
      </div>
    </Card>
  )
}
