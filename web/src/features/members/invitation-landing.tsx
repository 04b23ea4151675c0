import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert, Button, buttonClasses, FormError, PageSpinner } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { ApiError } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'
import { useFormatDate } from '../../lib/format.ts'
import { maybeMeQuery } from '../auth/api.ts'
import { resetWorkspaceData } from '../workspaces/api.ts'
import { invitationTokenQuery, membersApi } from './api.ts'

export function InvitationLanding({ token }: { token: string }) {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const invitation = useQuery(invitationTokenQuery(token))
  const me = useQuery(maybeMeQuery)
  const accept = useMutation({
    mutationFn: () => membersApi.acceptInvitation(token),
    onSuccess: async () => {
      resetWorkspaceData(queryClient)
      await navigate({ to: '/' })
    },
  })

  if (invitation.isPending || me.isPending) return <PageSpinner />
  if (invitation.isError) {
    const notFound = invitation.error instanceof ApiError && invitation.error.status === 404
    return (
      <Alert tone="error" title={t('invite.invalidTitle')}>
        {notFound ? t('invite.invalidBody') : errorMessage(invitation.error, t)}
      </Alert>
    )
  }

  const data = invitation.data
  const here = `/invite/${token}`
  const pending = data.status === 'pending'

  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {t('invite.summary', {
          inviter: data.inviterName ?? t('invite.someone'),
          workspace: data.workspaceName,
        })}
      </p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 rounded-md bg-slate-100 p-4 text-sm dark:bg-slate-800">
        <dt className="font-medium">{t('invite.workspace')}</dt>
        <dd data-testid="invite-workspace">{data.workspaceName}</dd>
        <dt className="font-medium">{t('invite.invitedBy')}</dt>
        <dd>{data.inviterName ?? t('invite.someone')}</dd>
        <dt className="font-medium">{t('invite.role')}</dt>
        <dd>{t(`roles.${data.role}`)}</dd>
        <dt className="font-medium">{t('invite.email')}</dt>
        <dd className="break-all">{data.email}</dd>
        <dt className="font-medium">{t('invite.expires')}</dt>
        <dd>{formatDate(data.expiresAt)}</dd>
      </dl>
      {!pending ? (
        <Alert tone="warning" title={t('invite.notPendingTitle')}>
          {t(`invite.statusBody.${data.status}`, { defaultValue: t('invite.statusBody.other') })}
        </Alert>
      ) : me.data ? (
        <div className="space-y-3">
          {me.data.user.email.toLowerCase() !== data.email.toLowerCase() ? (
            <Alert tone="warning">
              {t('invite.emailMismatch', { current: me.data.user.email, invited: data.email })}
            </Alert>
          ) : null}
          <FormError message={accept.error ? errorMessage(accept.error, t) : null} />
          <Button className="w-full" loading={accept.isPending} onClick={() => accept.mutate()}>
            {t('invite.accept')}
          </Button>
        </div>
      ) : (
        <div className="space-y-3">
          <p className="text-sm text-slate-700 dark:text-slate-300">{t('invite.signedOut')}</p>
          <Link
            to="/sign-in"
            search={{ email: data.email, redirect: here }}
            className={buttonClasses('primary', 'w-full')}
          >
            {t('invite.signIn')}
          </Link>
          <Link
            to="/sign-up"
            search={{ email: data.email, redirect: here }}
            className={buttonClasses('secondary', 'w-full')}
          >
            {t('invite.signUp')}
          </Link>
        </div>
      )}
      {me.data && !pending ? (
        <Link to="/" className={linkClasses}>
          {t('notFound.home')}
        </Link>
      ) : null}
    </div>
  )
}
