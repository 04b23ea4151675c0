import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ActionFeedback,
  Alert,
  Button,
  Card,
  EmptyState,
  Form,
  FormError,
  HeaderRow,
  Input,
  QueryState,
  Select,
  Table,
  TBody,
  TD,
  TR,
} from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf, formErrorOf } from '../../lib/errors.ts'
import { useFormatDate } from '../../lib/format.ts'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'
import { can, type Me, type Role } from '../auth/api.ts'
import { invitableRoles, invitationsQuery, membersApi } from './api.ts'

export function InvitationsSection({ me }: { me: Me }) {
  const { t } = useTranslation()
  const canInvite = can(me, 'invitations:write')
  return (
    <Card title={t('invitations.title')} description={t('invitations.description')}>
      <div className="space-y-6">
        {canInvite ? <InviteForm /> : null}
        <InvitationsTable canManage={canInvite} />
      </div>
    </Card>
  )
}

function InviteForm() {
  const { t } = useTranslation()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<Role>('member')
  const [error, setError] = useState<string>()
  const [sentTo, setSentTo] = useState<string | null>(null)
  const mutation = useRefreshingMutation({
    mutationFn: membersApi.invite,
    queryKey: invitationsQuery.queryKey,
    onSuccess: (_, input) => {
      setSentTo(input.email)
      setEmail('')
    },
  })
  const onSubmit = () => {
    setSentTo(null)
    if (!/^\S+@\S+\.\S+$/.test(email)) {
      setError(t('validation.email'))
      return
    }
    setError(undefined)
    mutation.mutate({ email: email.trim(), role })
  }
  const serverFields = fieldErrorsOf(mutation.error)
  return (
    <Form onSubmit={onSubmit} aria-label={t('invitations.form.title')} className="space-y-3">
      <FormError message={formErrorOf(mutation.error, t, ['email', 'role'])} />
      <div aria-live="polite">
        {sentTo ? <Alert tone="success">{t('invitations.form.sent', { email: sentTo })}</Alert> : null}
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <Input
          containerClassName="min-w-56 flex-1"
          label={t('invitations.fields.email')}
          name="inviteEmail"
          type="email"
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={error ?? serverFields.email}
        />
        <Select
          containerClassName="w-40"
          label={t('invitations.fields.role')}
          name="inviteRole"
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
          error={serverFields.role}
        >
          {invitableRoles.map((value) => (
            <option key={value} value={value}>
              {t(`roles.${value}`)}
            </option>
          ))}
        </Select>
        <Button type="submit" loading={mutation.isPending}>
          {t('invitations.form.submit')}
        </Button>
      </div>
    </Form>
  )
}

function InvitationsTable({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  const invitations = useQuery(invitationsQuery)
  const [notice, setNotice] = useState<string | null>(null)
  const queryKey = invitationsQuery.queryKey
  const resend = useRefreshingMutation({
    mutationFn: membersApi.resendInvitation,
    queryKey,
    onSuccess: () => setNotice(t('invitations.resent')),
  })
  const revoke = useRefreshingMutation({
    mutationFn: membersApi.revokeInvitation,
    queryKey,
    onSuccess: () => setNotice(t('invitations.revoked')),
  })

  return (
    <QueryState
      query={invitations}
      isEmpty={(data) => data.length === 0}
      empty={<EmptyState title={t('invitations.empty')} />}
    >
      {(data) => (
        <div className="space-y-3">
          <ActionFeedback
            error={resend.error || revoke.error ? errorMessage(resend.error ?? revoke.error, t) : null}
            notice={notice}
          />
          <Table caption={t('invitations.title')}>
            <HeaderRow
              columns={[
                t('invitations.fields.email'),
                t('invitations.fields.role'),
                t('invitations.fields.status'),
                t('invitations.fields.expires'),
              ]}
              actions={canManage ? t('common.actions') : undefined}
            />
            <TBody>
              {data.map((invitation) => (
                <TR key={invitation.id}>
                  <TD>{invitation.email}</TD>
                  <TD>{t(`roles.${invitation.role}`)}</TD>
                  <TD>{t(`invitations.status.${invitation.status}`, { defaultValue: invitation.status })}</TD>
                  <TD className="whitespace-nowrap">{formatDate(invitation.expiresAt)}</TD>
                  {canManage ? (
                    <TD>
                      {invitation.status === 'pending' ? (
                        <div className="flex justify-end gap-2">
                          <Button
                            variant="secondary"
                            loading={resend.isPending && resend.variables === invitation.id}
                            onClick={() => resend.mutate(invitation.id)}
                            aria-label={t('invitations.resendNamed', { email: invitation.email })}
                          >
                            {t('invitations.resend')}
                          </Button>
                          <Button
                            variant="ghost"
                            loading={revoke.isPending && revoke.variables === invitation.id}
                            onClick={() => revoke.mutate(invitation.id)}
                            aria-label={t('invitations.revokeNamed', { email: invitation.email })}
                          >
                            {t('invitations.revoke')}
                          </Button>
                        </div>
                      ) : null}
                    </TD>
                  ) : null}
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      )}
    </QueryState>
  )
}
