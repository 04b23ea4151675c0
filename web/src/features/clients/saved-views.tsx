import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ActionFeedback, Button, ConfirmDialog, cn, Dialog, Input } from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf, formErrorOf } from '../../lib/errors.ts'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import {
  type ClientSearch,
  clientsApi,
  parseClientSearch,
  type SavedView,
  sameView,
  savedViewsQuery,
  searchToQuery,
} from './api.ts'

const chipClasses =
  'inline-flex items-center rounded-full border px-3 py-1 text-sm font-medium border-slate-300 text-slate-800 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-100 dark:hover:bg-slate-800'
const activeChipClasses =
  'border-indigo-700 bg-indigo-100 text-indigo-900 hover:bg-indigo-100 dark:border-indigo-300 dark:bg-indigo-950 dark:text-indigo-100'

/** The user's saved views as links (so a view is one click and one URL away), with save and delete. */
export function SavedViews({ search }: { search: ClientSearch }) {
  const { t } = useTranslation()
  const views = useQuery(savedViewsQuery)
  const [saving, setSaving] = useState(false)
  const [deleting, setDeleting] = useState<SavedView | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const remove = useRefreshingMutation({
    mutationFn: clientsApi.deleteView,
    queryKey: savedViewsQuery.queryKey,
    onSuccess: () => {
      setNotice(t('clients.views.deleted', { name: deleting?.name ?? '' }))
      setDeleting(null)
    },
  })
  const list = views.data ?? []
  const current = list.find((view) => sameView(parseClientSearch(view.query), search))
  const isDefault = Object.keys(searchToQuery(search)).length === 0

  return (
    <div className="space-y-2">
      <nav aria-label={t('clients.views.title')}>
        <ul className="flex flex-wrap items-center gap-2">
          <li>
            <Link
              to="/clients"
              search={{}}
              className={chipClasses}
              activeOptions={{ exact: true }}
              activeProps={{ className: activeChipClasses }}
            >
              {t('clients.views.all')}
            </Link>
          </li>
          {list.map((view) => {
            const active = view.id === current?.id
            return (
              <li key={view.id} className="inline-flex items-center">
                <Link
                  to="/clients"
                  search={parseClientSearch(view.query)}
                  className={cn(chipClasses, 'rounded-r-none')}
                  activeOptions={{ exact: true }}
                  activeProps={{ className: activeChipClasses }}
                >
                  {view.name}
                </Link>
                <button
                  type="button"
                  onClick={() => {
                    remove.reset()
                    setDeleting(view)
                  }}
                  aria-label={t('clients.views.deleteNamed', { name: view.name })}
                  className={cn(chipClasses, '-ml-px rounded-l-none px-2', active && activeChipClasses)}
                >
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            )
          })}
          {!current && !isDefault ? (
            <li>
              <Button variant="ghost" onClick={() => setSaving(true)}>
                {t('clients.views.save')}
              </Button>
            </li>
          ) : null}
        </ul>
      </nav>
      <ActionFeedback error={views.error ? errorMessage(views.error, t) : null} notice={notice} />
      {saving ? (
        <SaveViewDialog
          search={search}
          onClose={() => setSaving(false)}
          onSaved={(view) => {
            setSaving(false)
            setNotice(t('clients.views.saved', { name: view.name }))
          }}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t('clients.views.deleteTitle')}
        description={t('clients.views.deleteBody', { name: deleting?.name ?? '' })}
        confirmLabel={t('clients.views.delete')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onClose={() => setDeleting(null)}
      />
    </div>
  )
}

function SaveViewDialog({
  search,
  onClose,
  onSaved,
}: {
  search: ClientSearch
  onClose: () => void
  onSaved: (view: SavedView) => void
}) {
  const { t } = useTranslation()
  const formId = useId()
  const [name, setName] = useState('')
  const mutation = useRefreshingMutation({
    mutationFn: clientsApi.createView,
    queryKey: savedViewsQuery.queryKey,
    onSuccess: onSaved,
  })
  const form = useValidatedForm(
    mutation.error,
    () => ({ name: !name.trim() && t('validation.required') }),
    () => mutation.mutate({ name: name.trim(), query: searchToQuery(search) }),
  )
  const formError = formErrorOf(mutation.error, t, ['name'])
  return (
    <Dialog
      open
      onClose={onClose}
      title={t('clients.views.saveTitle')}
      description={t('clients.views.saveBody')}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" form={formId} loading={mutation.isPending}>
            {t('clients.views.save')}
          </Button>
        </>
      }
    >
      <form id={formId} noValidate onSubmit={form.onSubmit} className="space-y-3">
        <Input
          label={t('clients.views.name')}
          name="name"
          maxLength={80}
          autoComplete="off"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={form.errorFor('name') ?? fieldErrorsOf(mutation.error).query}
        />
        <div aria-live="assertive">
          {formError ? <p className="text-sm text-red-700 dark:text-red-400">{formError}</p> : null}
        </div>
      </form>
    </Dialog>
  )
}
