import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  FormError,
  HeaderRow,
  QueryState,
  Select,
  Table,
  TBody,
  TD,
  TR,
} from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import { useFormatDate } from '../../lib/format.ts'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'
import { can, type Me, type Role } from '../auth/api.ts'
import { assignableRoles, type Member, membersApi, membersQuery } from './api.ts'

type Pending = { kind: 'remove' | 'transfer'; member: Member } | null

export function MembersSection({ me }: { me: Me }) {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  const queryClient = useQueryClient()
  const members = useQuery(membersQuery)
  const [pending, setPending] = useState<Pending>(null)
  const canWrite = can(me, 'members:write')
  const canTransfer = can(me, 'workspace:transfer')

  const changeRole = useMutation({
    mutationFn: membersApi.changeRole,
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersQuery.queryKey }),
  })
  const remove = useRefreshingMutation({
    mutationFn: membersApi.remove,
    queryKey: membersQuery.queryKey,
    onSuccess: () => setPending(null),
  })
  const transfer = useMutation({
    mutationFn: membersApi.transferOwnership,
    onSuccess: (result) => {
      setPending(null)
      if (result?.data) queryClient.setQueryData(membersQuery.queryKey, result.data)
      return queryClient.invalidateQueries()
    },
  })

  const closeDialog = () => {
    setPending(null)
    remove.reset()
    transfer.reset()
  }

  return (
    <Card title={t('members.list.title')}>
      <div className="space-y-4">
        <FormError message={changeRole.error ? errorMessage(changeRole.error, t) : null} />
        <QueryState
          query={members}
          isEmpty={(data) => data.length === 0}
          empty={<EmptyState title={t('members.list.empty')} />}
        >
          {(data) => (
            <Table caption={t('members.list.title')}>
              <HeaderRow
                columns={[
                  t('members.fields.name'),
                  t('members.fields.email'),
                  t('members.fields.role'),
                  t('members.fields.joined'),
                ]}
                actions={t('common.actions')}
              />
              <TBody>
                {data.map((member) => {
                  const self = member.userId === me.user.id
                  return (
                    <TR key={member.id}>
                      <TD className="font-medium">
                        {member.name}
                        {self ? (
                          <span className="ml-2 text-xs text-slate-600 dark:text-slate-300">
                            {t('members.you')}
                          </span>
                        ) : null}
                      </TD>
                      <TD>{member.email}</TD>
                      <TD>
                        {canWrite && !self ? (
                          <Select
                            label={t('members.changeRoleFor', { name: member.name })}
                            hideLabel
                            value={member.role}
                            disabled={changeRole.isPending}
                            onChange={(e) =>
                              changeRole.mutate({ memberId: member.id, role: e.target.value as Role })
                            }
                            // min-w: in a narrow table cell the control's w-full would shrink it to nothing
                            className="w-32 min-w-32"
                          >
                            {assignableRoles.map((role) => (
                              <option key={role} value={role}>
                                {t(`roles.${role}`)}
                              </option>
                            ))}
                          </Select>
                        ) : (
                          t(`roles.${member.role}`)
                        )}
                      </TD>
                      <TD className="whitespace-nowrap">{formatDate(member.createdAt)}</TD>
                      <TD>
                        <div className="flex justify-end gap-2">
                          {canTransfer && !self ? (
                            <Button
                              variant="secondary"
                              onClick={() => setPending({ kind: 'transfer', member })}
                              aria-label={t('members.transferNamed', { name: member.name })}
                            >
                              {t('members.transfer')}
                            </Button>
                          ) : null}
                          {canWrite && !self && member.role !== 'owner' ? (
                            <Button
                              variant="ghost"
                              onClick={() => setPending({ kind: 'remove', member })}
                              aria-label={t('members.removeNamed', { name: member.name })}
                            >
                              {t('members.remove')}
                            </Button>
                          ) : null}
                        </div>
                      </TD>
                    </TR>
                  )
                })}
              </TBody>
            </Table>
          )}
        </QueryState>
      </div>
      <ConfirmDialog
        open={pending?.kind === 'remove'}
        title={t('members.removeTitle')}
        description={t('members.removeBody', { name: pending?.member.name ?? '' })}
        confirmLabel={t('members.remove')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => pending && remove.mutate(pending.member.id)}
        onClose={closeDialog}
      />
      <ConfirmDialog
        open={pending?.kind === 'transfer'}
        title={t('members.transferTitle')}
        description={t('members.transferBody', { name: pending?.member.name ?? '' })}
        confirmLabel={t('members.transfer')}
        pending={transfer.isPending}
        error={transfer.error ? errorMessage(transfer.error, t) : null}
        onConfirm={() => pending && transfer.mutate(pending.member.id)}
        onClose={closeDialog}
      />
    </Card>
  )
}
