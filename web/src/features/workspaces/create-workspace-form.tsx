import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, Form, FormError, Input } from '../../components/ui/index.ts'
import { formErrorOf } from '../../lib/errors.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import { resetWorkspaceData, slugify, validateWorkspace, workspacesApi } from './api.ts'

export function CreateWorkspaceForm() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [name, setName] = useState('')
  const [slug, setSlug] = useState('')
  const [slugEdited, setSlugEdited] = useState(false)
  const mutation = useMutation({
    mutationFn: workspacesApi.create,
    onSuccess: async () => {
      resetWorkspaceData(queryClient)
      await navigate({ to: '/' })
    },
  })

  const form = useValidatedForm(
    mutation.error,
    () => validateWorkspace(name, slug, t),
    () => mutation.mutate({ name: name.trim(), slug }),
  )

  return (
    <Form onSubmit={form.onSubmit} className="space-y-4">
      <FormError message={formErrorOf(mutation.error, t, ['name', 'slug'])} />
      <Input
        label={t('workspaces.fields.name')}
        name="name"
        autoComplete="organization"
        value={name}
        onChange={(e) => {
          setName(e.target.value)
          if (!slugEdited) setSlug(slugify(e.target.value))
        }}
        error={form.errorFor('name')}
        required
      />
      <Input
        label={t('workspaces.fields.slug')}
        name="slug"
        hint={t('workspaces.fields.slugHint')}
        value={slug}
        onChange={(e) => {
          setSlugEdited(true)
          setSlug(e.target.value.toLowerCase())
        }}
        error={form.errorFor('slug')}
        required
      />
      <Button type="submit" className="w-full" loading={mutation.isPending}>
        {t('workspaces.create.submit')}
      </Button>
    </Form>
  )
}
