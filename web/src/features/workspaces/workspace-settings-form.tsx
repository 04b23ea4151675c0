import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  Alert,
  Button,
  Card,
  Form,
  FormError,
  Input,
  PageSpinner,
  Switch,
} from '../../components/ui/index.ts'
import { errorMessage, formErrorOf } from '../../lib/errors.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import { can, type Me } from '../auth/api.ts'
import { validateWorkspace, type Workspace, workspaceQuery, workspacesApi } from './api.ts'

export function WorkspaceSettings({ me }: { me: Me }) {
  const { t } = useTranslation()
  const workspace = useQuery(workspaceQuery)
  if (workspace.isPending) return <PageSpinner />
  if (workspace.isError) return <Alert tone="error">{errorMessage(workspace.error, t)}</Alert>
  return (
    <div className="space-y-6">
      <GeneralForm key={workspace.data.id} workspace={workspace.data} editable={can(me, 'workspace:write')} />
      {me.activeWorkspace?.role === 'owner' || can(me, 'workspace:security') ? (
        <RequireTwoFactor workspace={workspace.data} />
      ) : null}
    </div>
  )
}

function useUpdateWorkspace() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: workspacesApi.update,
    onSuccess: (workspace) => {
      queryClient.setQueryData(workspaceQuery.queryKey, workspace)
      void queryClient.invalidateQueries({ queryKey: ['me'] })
    },
  })
}

function GeneralForm({ workspace, editable }: { workspace: Workspace; editable: boolean }) {
  const { t } = useTranslation()
  const [name, setName] = useState(workspace.name)
  const [slug, setSlug] = useState(workspace.slug)
  const mutation = useUpdateWorkspace()

  const form = useValidatedForm(
    mutation.error,
    () => validateWorkspace(name, slug, t),
    () => mutation.mutate({ name: name.trim(), slug }),
  )

  return (
    <Card
      title={t('workspaceSettings.general.title')}
      description={t('workspaceSettings.general.description')}
    >
      <Form onSubmit={form.onSubmit} className="max-w-lg space-y-4">
        <FormError message={formErrorOf(mutation.error, t, ['name', 'slug'])} />
        <div aria-live="polite">
          {mutation.isSuccess ? <Alert tone="success">{t('workspaceSettings.saved')}</Alert> : null}
        </div>
        <Input
          label={t('workspaces.fields.name')}
          name="name"
          value={name}
          disabled={!editable}
          onChange={(e) => setName(e.target.value)}
          error={form.errorFor('name')}
        />
        <Input
          label={t('workspaces.fields.slug')}
          name="slug"
          hint={t('workspaces.fields.slugHint')}
          value={slug}
          disabled={!editable}
          onChange={(e) => setSlug(e.target.value.toLowerCase())}
          error={form.errorFor('slug')}
        />
        {editable ? (
          <Button type="submit" loading={mutation.isPending}>
            {t('common.save')}
          </Button>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-300">{t('workspaceSettings.readOnly')}</p>
        )}
      </Form>
    </Card>
  )
}

function RequireTwoFactor({ workspace }: { workspace: Workspace }) {
  const { t } = useTranslation()
  const mutation = useUpdateWorkspace()
  return (
    <Card title={t('workspaceSettings.security.title')}>
      <div className="space-y-3">
        <Switch
          label={t('workspaceSettings.security.requireTwoFactor')}
          description={t('workspaceSettings.security.requireTwoFactorHint')}
          checked={mutation.isPending ? !workspace.requireTwoFactor : workspace.requireTwoFactor}
          disabled={mutation.isPending}
          onChange={(checked) => mutation.mutate({ requireTwoFactor: checked })}
        />
        <FormError message={mutation.error ? errorMessage(mutation.error, t) : null} />
      </div>
    </Card>
  )
}
