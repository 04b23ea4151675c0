import { useQueryClient } from '@tanstack/react-query'
import { createFileRoute, useNavigate } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert, Card } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { clientQuery, clientsApi, clientsKey } from '../../features/clients/api.ts'
import { ClientForm } from '../../features/clients/client-form.tsx'
import { QuickCreate } from '../../features/clients/quick-create.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'

export const Route = createFileRoute('/_app/clients/new')({
  component: NewClientPage,
})

function NewClientPage() {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const { data: me } = useMe()
  const create = useRefreshingMutation({
    mutationFn: clientsApi.create,
    queryKey: clientsKey,
    onSuccess: (client) => {
      queryClient.setQueryData(clientQuery(client.id).queryKey, client)
      void navigate({ to: '/clients/$clientId', params: { clientId: client.id } })
    },
  })
  if (!me) return null
  return (
    <>
      <PageHeader title={t('clients.form.createTitle')} />
      {can(me, 'clients:write') ? (
        <>
          <Card title={t('record.quickCreate.title')} description={t('record.quickCreate.hint')}>
            <QuickCreate />
          </Card>
          <details className="group rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-700 dark:bg-slate-900">
            <summary className="cursor-pointer text-lg font-semibold">
              {t('record.quickCreate.fullForm')}
            </summary>
            <div className="mt-4">
              <ClientForm
                headingLevel={2}
                currentUserId={me.user.id}
                submitLabel={t('clients.form.create')}
                pending={create.isPending}
                error={create.error}
                onSubmit={(input) => create.mutate(input)}
                onCancel={() => navigate({ to: '/clients' })}
              />
            </div>
          </details>
        </>
      ) : (
        <Alert tone="info">{t('clients.noWriteAccess')}</Alert>
      )}
    </>
  )
}
