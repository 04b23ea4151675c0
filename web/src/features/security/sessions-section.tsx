import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  Alert,
  Button,
  Card,
  EmptyState,
  FormError,
  QueryState,
  Table,
  TBody,
  TD,
  TH,
  THead,
  TR,
} from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { securityApi, sessionsQuery } from './api.ts'

export function SessionsSection() {
  const { t } = useTranslation()
  const formatDateTime = useFormatDateTime()
  const queryClient = useQueryClient()
  const sessions = useQuery(sessionsQuery)
  const [notice, setNotice] = useState<string | null>(null)
  const refresh = () => queryClient.invalidateQueries({ queryKey: sessionsQuery.queryKey })
  const revoke = useMutation({
    mutationFn: securityApi.revokeSession,
    onSuccess: () => {
      setNotice(t('security.sessions.revoked'))
      return refresh()
    },
  })
  const revokeOthers = useMutation({
    mutationFn: securityApi.revokeOtherSessions,
    onSuccess: (result) => {
      setNotice(t('security.sessions.revokedOthers', { count: result?.revoked ?? 0 }))
      return refresh()
    },
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
        <FormError
          message={
            revoke.error || revokeOthers.error ? errorMessage(revoke.error ?? revokeOthers.error, t) : null
          }
        />
        <div aria-live="polite">{notice ? <Alert tone="success">{notice}</Alert> : null}</div>
        <QueryState
          query={sessions}
          isEmpty={(data) => data.data.length === 0}
          empty={<EmptyState title={t('security.sessions.empty')} />}
        >
          {(data) => (
            <Table caption={t('security.sessions.title')}>
              <THead>
                <TR>
                  <TH>{t('security.sessions.device')}</TH>
                  <TH>{t('security.sessions.ipAddress')}</TH>
                  <TH>{t('security.sessions.lastSeen')}</TH>
                  <TH>
                    <span className="sr-only">{t('common.actions')}</span>
                  </TH>
                </TR>
              </THead>
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
