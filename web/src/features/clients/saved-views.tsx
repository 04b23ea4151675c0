import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { GridDisplay } from '../../components/grid/index.ts'
import { ActionFeedback, Button, ConfirmDialog, cn, FormDialog, Input } from '../../components/ui/index.ts'
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

const sameDisplay = (view: SavedView, display: GridDisplay) =>
  JSON.stringify(viewDisplay(view, display)) === JSON.stringify(display)

/** A saved view's columns, widths and density; what it does not store stays as it is. */
export function viewDisplay(view: SavedView, current: GridDisplay): GridDisplay {
  return {
    columns: view.display.columns ?? current.columns,
    widths: view.display.widths ?? current.widths,
    density: view.display.density ?? current.density,
  }
}

/**
 * The user's saved views as links (so a view's filters, sort and layout are one click and one URL away);
 * following one also applies its columns, widths and density. With save and delete.
 */
export function SavedViews({
  search,
  display,
  onApply,
}: {
  search: ClientSearch
  display: GridDisplay
  onApply: (display: GridDisplay) => void
}) {
  const { t } = useTranslation()
  const views = useQuery(savedViewsQuery)
  const nav = useRef<HTMLElement>(null)
  const [focusView, setFocusView] = useState<string | null>(null)
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
  const current = list.find(
    (view) => sameView(parseClientSearch(view.query), search) && sameDisplay(view, display),
  )
  // After saving, focus moves to the new view's link (the Save button is gone by then).
  // biome-ignore lint/correctness/useExhaustiveDependencies: the link appears when the list refreshes
  useEffect(() => {
    if (!focusView) return
    const link = nav.current?.querySelector<HTMLElement>(`[data-view="${focusView}"]`)
    if (link) {
      link.focus()
      setFocusView(null)
    }
  }, [focusView, list])

  return (
    <div className="space-y-2">
      <nav ref={nav} aria-label={t('clients.views.title')}>
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
                  data-view={view.id}
                  onClick={() => onApply(viewDisplay(view, display))}
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
          {!current ? (
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
          display={display}
          onClose={() => setSaving(false)}
          onSaved={(view) => {
            setSaving(false)
            setFocusView(view.id)
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
        returnFocus={() => nav.current?.querySelector<HTMLElement>('a')}
      />
    </div>
  )
}

function SaveViewDialog({
  search,
  display,
  onClose,
  onSaved,
}: {
  search: ClientSearch
  display: GridDisplay
  onClose: () => void
  onSaved: (view: SavedView) => void
}) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const mutation = useRefreshingMutation({
    mutationFn: clientsApi.createView,
    queryKey: savedViewsQuery.queryKey,
    onSuccess: onSaved,
  })
  const form = useValidatedForm(
    mutation.error,
    () => ({ name: !name.trim() && t('validation.required') }),
    () => mutation.mutate({ name: name.trim(), query: searchToQuery(search), display }),
  )
  const formError = formErrorOf(mutation.error, t, ['name'])
  return (
    <FormDialog
      onClose={onClose}
      title={t('clients.views.saveTitle')}
      description={t('clients.views.saveBody')}
      submitLabel={t('clients.views.save')}
      pending={mutation.isPending}
      onSubmit={form.onSubmit}
    >
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
    </FormDialog>
  )
}
