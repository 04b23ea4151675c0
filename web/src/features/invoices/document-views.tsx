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
  documentViewsApi,
  documentViewsQuery,
  type InvoiceSearch,
  parseInvoiceSearch,
  type SavedView,
} from './api.ts'
import './document-strings.ts'

const chipClasses =
  'inline-flex items-center rounded-full border px-3 py-1 text-sm font-medium border-slate-300 text-slate-800 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-100 dark:hover:bg-slate-800'
const activeChipClasses =
  'border-indigo-700 bg-indigo-100 text-indigo-900 hover:bg-indigo-100 dark:border-indigo-300 dark:bg-indigo-950 dark:text-indigo-100'

type ViewKind = 'invoice' | 'quote'

const queryOf = (search: InvoiceSearch) => {
  const query: Record<string, string> = {}
  for (const [key, value] of Object.entries(search)) if (value) query[key] = value
  return query
}
const sameQuery = (a: InvoiceSearch, b: InvoiceSearch) =>
  JSON.stringify(Object.entries(queryOf(a)).sort()) === JSON.stringify(Object.entries(queryOf(b)).sort())

function viewDisplay(view: SavedView, current: GridDisplay): GridDisplay {
  return {
    columns: view.display.columns ?? current.columns,
    widths: view.display.widths ?? current.widths,
    density: view.display.density ?? current.density,
  }
}

/** A link to a list with a view's query (invoices or quotes). */
function ListLink({
  kind,
  search,
  ...props
}: {
  kind: ViewKind
  search: InvoiceSearch
  className: string
  onClick?: () => void
  'data-view'?: string
  children: string
}) {
  const active = { activeOptions: { exact: true }, activeProps: { className: activeChipClasses } } as const
  return kind === 'quote' ? (
    <Link to="/quotes" search={search} {...active} {...props} />
  ) : (
    <Link to="/invoices" search={search} {...active} {...props} />
  )
}

/**
 * The user's saved views of a document list, as links (a view is one click and one URL away);
 * following one also applies its columns, widths and density. With save and delete.
 */
export function DocumentViews({
  kind,
  search,
  display,
  onApply,
}: {
  kind: ViewKind
  search: InvoiceSearch
  display: GridDisplay
  onApply: (display: GridDisplay) => void
}) {
  const { t } = useTranslation()
  const query = documentViewsQuery(kind)
  const views = useQuery(query)
  const nav = useRef<HTMLElement>(null)
  const [focusView, setFocusView] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [deleting, setDeleting] = useState<SavedView | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const remove = useRefreshingMutation({
    mutationFn: documentViewsApi(kind).remove,
    queryKey: query.queryKey,
    onSuccess: () => {
      setNotice(t('invoices.views.deleted', { name: deleting?.name ?? '' }))
      setDeleting(null)
    },
  })
  const list = views.data ?? []
  const current = list.find(
    (view) =>
      sameQuery(parseInvoiceSearch(view.query), search) &&
      JSON.stringify(viewDisplay(view, display)) === JSON.stringify(display),
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
      <nav ref={nav} aria-label={t('invoices.views.title')}>
        <ul className="flex flex-wrap items-center gap-2">
          <li>
            <ListLink kind={kind} search={{}} className={chipClasses}>
              {t('invoices.views.all')}
            </ListLink>
          </li>
          {list.map((view) => (
            <li key={view.id} className="inline-flex items-center">
              <ListLink
                kind={kind}
                data-view={view.id}
                onClick={() => onApply(viewDisplay(view, display))}
                search={parseInvoiceSearch(view.query)}
                className={cn(chipClasses, 'rounded-r-none')}
              >
                {view.name}
              </ListLink>
              <button
                type="button"
                onClick={() => {
                  remove.reset()
                  setDeleting(view)
                }}
                aria-label={t('invoices.views.deleteNamed', { name: view.name })}
                className={cn(
                  chipClasses,
                  '-ml-px rounded-l-none px-2',
                  view.id === current?.id && activeChipClasses,
                )}
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
          {!current ? (
            <li>
              <Button variant="ghost" onClick={() => setSaving(true)}>
                {t('invoices.views.save')}
              </Button>
            </li>
          ) : null}
        </ul>
      </nav>
      <ActionFeedback error={views.error ? errorMessage(views.error, t) : null} notice={notice} />
      {saving ? (
        <SaveViewDialog
          kind={kind}
          search={search}
          display={display}
          onClose={() => setSaving(false)}
          onSaved={(view) => {
            setSaving(false)
            setFocusView(view.id)
            setNotice(t('invoices.views.saved', { name: view.name }))
          }}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t('invoices.views.deleteTitle')}
        description={t('invoices.views.deleteBody', { name: deleting?.name ?? '' })}
        confirmLabel={t('invoices.views.delete')}
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
  kind,
  search,
  display,
  onClose,
  onSaved,
}: {
  kind: ViewKind
  search: InvoiceSearch
  display: GridDisplay
  onClose: () => void
  onSaved: (view: SavedView) => void
}) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const mutation = useRefreshingMutation({
    mutationFn: documentViewsApi(kind).create,
    queryKey: documentViewsQuery(kind).queryKey,
    onSuccess: onSaved,
  })
  const form = useValidatedForm(
    mutation.error,
    () => ({ name: !name.trim() && t('validation.required') }),
    () => mutation.mutate({ name: name.trim(), query: queryOf(search), display }),
  )
  const formError = formErrorOf(mutation.error, t, ['name'])
  return (
    <FormDialog
      onClose={onClose}
      title={t('invoices.views.saveTitle')}
      description={t('invoices.views.saveBody')}
      submitLabel={t('invoices.views.save')}
      pending={mutation.isPending}
      onSubmit={form.onSubmit}
    >
      <div aria-live="assertive">
        {formError ? <p className="text-sm text-red-700 dark:text-red-400">{formError}</p> : null}
      </div>
      <Input
        label={t('invoices.views.name')}
        name="name"
        maxLength={80}
        autoComplete="off"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={form.errorFor('name') ?? fieldErrorsOf(mutation.error).query}
      />
    </FormDialog>
  )
}
