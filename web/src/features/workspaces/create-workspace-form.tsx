import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, FormError, Input } from '../../components/ui/index.ts'
import { fieldErrorsOf, formErrorOf } from '../../lib/errors.ts'
import { resetWorkspaceData, slugify, workspacesApi } from './api.ts'

export function CreateWorkspaceForm() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [name, setName] = useState('')
  const [slug, setSlug] = useState('')
  const [slugEdited, setSlugEdited] = useState(false)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const mutation = useMutation({
    mutationFn: workspacesApi.create,
    onSuccess: async () => {
      resetWorkspaceData(queryClient)
      await navigate({ to: '/' })
    },
  })

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    const next: Record<string, string> = {}
    if (!name.trim()) next.name = t('validation.required')
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) next.slug = t('validation.slug')
    setErrors(next)
    if (Object.keys(next).length === 0) mutation.mutate({ name: name.trim(), slug })
  }

  const serverFields = fieldErrorsOf(mutation.error)
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
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
        error={errors.name ?? serverFields.name}
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
        error={errors.slug ?? serverFields.slug}
        required
      />
      <Button type="submit" className="w-full" loading={mutation.isPending}>
        {t('workspaces.create.submit')}
      </Button>
    </form>
  )
}
