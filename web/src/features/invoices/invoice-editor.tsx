import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { useDeferredValue, useMemo, useReducer, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Combobox } from '../../components/ui/combobox.tsx'
import {
  Alert,
  Button,
  buttonClasses,
  ConfirmDialog,
  Form,
  Input,
  Textarea,
} from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { api } from '../../lib/api.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useIntlOptions } from '../../lib/intl-options.ts'
import { can, type Me } from '../auth/api.ts'
import {
  docPath,
  documentApi,
  documentPdfUrl,
  documentQuery,
  type InvoiceDocument,
  type TaxRate,
  taxRatesQuery,
  toMinorUnits,
} from './api.ts'
import { Money } from './badges.tsx'
import { ClientPicker } from './client-picker.tsx'
import { SendButton } from './document-actions.tsx'
import { DocumentPreview, type PreviewDocument, previewTotals } from './document-preview.tsx'
import { draftOf, type EditorDraft, editorReducer, emptyDraft, inputOf, liveTotals } from './editor-state.ts'
import { documentRoute } from './invoice-columns.tsx'
import { kindText } from './kind-text.ts'
import { DiscountKindSelect, type LineErrors } from './line-row.tsx'
import { LinesTable } from './lines-table.tsx'
import { PdfFrame } from './pdf-frame.tsx'
import './document-strings.ts'

const settingsQuery = {
  queryKey: ['invoice-settings'],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    api.get<{ baseCurrency: string; defaultNotes: string | null; defaultTerms: string | null }>(
      '/api/v1/invoice-settings',
      signal,
    ),
  staleTime: 300_000,
}

/**
 * The draft invoice editor: client, currency, dates, lines, discount, shipping, notes; totals follow
 * the typing by the server's rule, and the whole invoice is saved in one request.
 */
export function InvoiceEditor({
  me,
  invoice,
  kind: newKind = 'invoice',
}: {
  me: Me
  invoice?: InvoiceDocument
  /** What a new document will be (a saved one keeps its own kind). */
  kind?: 'invoice' | 'quote'
}) {
  const { t } = useTranslation()
  const kind = invoice?.kind ?? newKind
  const docs = documentApi(kind)
  const listPath = kind === 'quote' ? '/quotes' : '/invoices'
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const settings = useQuery(settingsQuery)
  const base = settings.data?.baseCurrency ?? 'EUR'
  const [draft, dispatch] = useReducer(editorReducer, undefined, () =>
    invoice ? draftOf(invoice) : emptyDraft(''),
  )
  const currency = draft.currency || base
  const ratesQuery = useQuery(taxRatesQuery)
  const rates = useMemo(() => {
    const list = [...(ratesQuery.data?.data ?? [])]
    // Rates a saved line uses stay listed even when archived since.
    for (const line of invoice?.lines ?? [])
      for (const tax of line.taxes)
        if (!list.some((r) => r.id === tax.taxRateId))
          list.push({
            id: tax.taxRateId,
            name: tax.name,
            percent: tax.percent,
            inclusive: tax.inclusive,
            compound: tax.compound,
            categoryCode: tax.categoryCode as TaxRate['categoryCode'],
            exemptionReason: tax.exemptionReason,
            archivedAt: null,
            createdAt: '',
          })
    return list
  }, [ratesQuery.data, invoice])
  const rateMap = useMemo(() => new Map(rates.map((rate) => [rate.id, rate])), [rates])

  // Totals and the preview follow the typing at a lower priority than the typing itself.
  const deferred = useDeferredValue(draft)
  const live = useMemo(() => liveTotals({ ...deferred, currency }, rateMap), [deferred, currency, rateMap])

  // Each save reloads the PDF preview (PdfFrame folds quick successions into one reload).
  const [pdfVersion, setPdfVersion] = useState(0)
  const save = useMutation({
    mutationFn: (input: EditorDraft) => {
      // Amounts are read in the currency shown (the base one until another is chosen).
      const body = inputOf({ ...input, currency: input.currency || base })
      if (invoice) return docs.update({ documentId: invoice.id, input: body })
      return docs.create(body)
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(documentQuery(kind, saved.id).queryKey, saved)
      void queryClient.invalidateQueries({ queryKey: [docPath(kind), 'list'] })
      void queryClient.invalidateQueries({ queryKey: [docPath(kind), 'count'] })
      showToast({ message: t('invoices.editor.saved') })
      setPdfVersion((v) => v + 1)
      if (!invoice) void navigate(documentRoute(kind, saved.id))
    },
  })
  const remove = useMutation({
    mutationFn: () => docs.remove(invoice?.id ?? ''),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [docPath(kind)] })
      void navigate({ to: listPath })
    },
  })
  const [confirmDelete, setConfirmDelete] = useState(false)

  const fields = fieldErrorsOf(save.error)
  const lineErrors = useMemo(() => {
    const byLine: LineErrors[] = []
    for (const [field, message] of Object.entries(fields)) {
      const m = /^lines\.(\d+)(?:\.(\w+))?/.exec(field)
      if (!m) continue
      const at = Number(m[1])
      const key = (m[2] ?? 'line') as keyof LineErrors
      byLine[at] = { ...byLine[at], [key]: byLine[at]?.[key] ?? message }
    }
    return byLine
  }, [fields])
  const unplaced = save.error
    ? Object.keys(fields).length === 0 ||
      Object.keys(fields).some(
        (f) =>
          !/^(lines\.\d+|clientId|currency|issueDate|dueDate|poNumber|notes|terms|discount|shipping)/.test(f),
      )
    : false

  const preview: PreviewDocument = {
    number: invoice?.number ?? null,
    client: deferred.client?.name ?? '',
    currency,
    issueDate: deferred.issueDate || null,
    dueDate: deferred.dueDate || null,
    poNumber: deferred.poNumber || null,
    notes: deferred.notes || null,
    terms: deferred.terms || null,
    lines: deferred.lines.map((line, i) => ({
      key: line.key,
      description: line.description,
      quantity: line.quantity,
      unit: line.unit,
      total: live.totals?.lines[i]?.total ?? 0,
    })),
    ...(live.totals
      ? previewTotals(live.totals)
      : { subtotal: 0, discount: 0, tax: 0, taxInclusive: 0, shipping: 0, total: 0 }),
    draft: true,
  }
  const badShipping = draft.shipping.trim() && toMinorUnits(draft.shipping, currency) === null
  const options = useIntlOptions()

  return (
    <div className="grid gap-6 2xl:grid-cols-[minmax(0,1fr)_26rem]">
      <Form onSubmit={() => save.mutate(draft)} className="min-w-0 space-y-6">
        {unplaced ? <Alert tone="error">{errorMessage(save.error, t)}</Alert> : null}
        <section aria-labelledby="invoice-details" className="space-y-4">
          <h2 id="invoice-details" className="text-lg font-semibold">
            {t('invoices.editor.details')}
          </h2>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            <ClientPicker
              label={t('invoices.fields.client')}
              value={draft.client}
              error={fields.clientId}
              onChange={(client) =>
                dispatch({
                  type: 'set',
                  patch: {
                    client: client ? { id: client.id, name: client.name } : null,
                    ...(client?.currency && !invoice?.lines.length ? { currency: client.currency } : {}),
                  },
                })
              }
            />
            <Combobox
              key={currency}
              label={t('invoices.fields.currency')}
              options={options.currencies()}
              value={currency}
              error={fields.currency}
              onChange={(value) => value && dispatch({ type: 'set', patch: { currency: value } })}
            />
            <Input
              label={t('invoices.fields.poNumber')}
              value={draft.poNumber}
              error={fields.poNumber}
              onChange={(e) => dispatch({ type: 'set', patch: { poNumber: e.target.value } })}
            />
            <Input
              type="date"
              label={t('invoices.fields.issueDate')}
              value={draft.issueDate}
              error={fields.issueDate}
              onChange={(e) => dispatch({ type: 'set', patch: { issueDate: e.target.value } })}
            />
            <Input
              type="date"
              label={kind === 'quote' ? t('quotes.fields.validUntil') : t('invoices.fields.dueDate')}
              value={draft.dueDate}
              error={fields.dueDate}
              onChange={(e) => dispatch({ type: 'set', patch: { dueDate: e.target.value } })}
            />
          </div>
        </section>

        <section aria-labelledby="invoice-lines" className="space-y-2">
          <h2 id="invoice-lines" className="text-lg font-semibold">
            {t('invoices.editor.lines')}
          </h2>
          <LinesTable
            lines={draft.lines}
            currency={currency}
            rates={rates}
            errors={lineErrors}
            amounts={live.totals?.lines}
            dispatch={dispatch}
          />
        </section>

        <section className="grid gap-4 sm:grid-cols-2">
          <div className="flex items-start gap-1">
            <CellInputLabeled
              label={kindText(t, kind, 'editor.documentDiscount')}
              value={draft.discount}
              error={fields.discount ?? (live.error?.field === 'discount' ? live.error.message : undefined)}
              onChange={(discount) => dispatch({ type: 'set', patch: { discount } })}
            />
            <div className="mt-6">
              <DiscountKindSelect
                label={t('invoices.fields.discountType')}
                value={draft.discountKind}
                currency={currency}
                onChange={(discountKind) => dispatch({ type: 'set', patch: { discountKind } })}
              />
            </div>
          </div>
          <Input
            label={`${t('invoices.fields.shipping')} (${currency})`}
            inputMode="decimal"
            value={draft.shipping}
            error={fields.shipping ?? (badShipping ? t('invoices.editor.invalidNumber') : undefined)}
            onChange={(e) => dispatch({ type: 'set', patch: { shipping: e.target.value } })}
          />
          <Textarea
            label={t('invoices.fields.notes')}
            rows={3}
            value={draft.notes}
            error={fields.notes}
            onChange={(e) => dispatch({ type: 'set', patch: { notes: e.target.value } })}
          />
          <Textarea
            label={t('invoices.fields.terms')}
            rows={3}
            value={draft.terms}
            error={fields.terms}
            onChange={(e) => dispatch({ type: 'set', patch: { terms: e.target.value } })}
          />
        </section>

        <section aria-labelledby="invoice-totals" className="ml-auto max-w-sm space-y-1">
          <h2 id="invoice-totals" className="text-lg font-semibold">
            {t('invoices.totals.title')}
          </h2>
          {live.error && live.error.field !== 'discount' ? (
            <p className="text-sm text-red-700 dark:text-red-300">
              {t('invoices.editor.totalsError', { message: live.error.message })}
            </p>
          ) : null}
          {live.totals ? (
            <dl className="space-y-1 text-sm" aria-live="polite" aria-atomic="false">
              <TotalRow
                label={t('invoices.totals.subtotal')}
                value={live.totals.subtotal}
                currency={currency}
              />
              <TotalRow
                label={t('invoices.totals.discount')}
                value={-live.totals.discount}
                currency={currency}
              />
              <TotalRow
                label={t('invoices.totals.tax')}
                value={live.totals.taxExclusive}
                currency={currency}
              />
              <TotalRow
                label={t('invoices.totals.shipping')}
                value={live.totals.shipping}
                currency={currency}
              />
              <TotalRow
                label={t('invoices.totals.total')}
                value={live.totals.total}
                currency={currency}
                strong
              />
              {live.totals.taxInclusive ? (
                <TotalRow
                  label={t('invoices.totals.taxIncluded')}
                  value={live.totals.taxInclusive}
                  currency={currency}
                />
              ) : null}
            </dl>
          ) : null}
        </section>

        <div className="flex flex-wrap gap-2">
          <Button type="submit" loading={save.isPending}>
            {invoice ? t('invoices.editor.save') : t('invoices.editor.create')}
          </Button>
          <Button variant="secondary" onClick={() => navigate({ to: listPath })}>
            {t('invoices.editor.cancel')}
          </Button>
          {invoice && can(me, 'invoices:delete') ? (
            <Button variant="danger" className="ml-auto" onClick={() => setConfirmDelete(true)}>
              {t('invoices.editor.deleteDraft')}
            </Button>
          ) : null}
        </div>
      </Form>
      <aside
        aria-label={t('invoices.preview.title')}
        className="space-y-2 2xl:sticky 2xl:top-4 2xl:self-start"
      >
        <div className="flex items-center justify-between gap-2">
          <h2 className="text-lg font-semibold">{t('invoices.preview.title')}</h2>
          {invoice ? (
            <a
              href={documentPdfUrl(kind, invoice.id)}
              target="_blank"
              rel="noreferrer"
              className={buttonClasses('secondary')}
            >
              {t('invoices.preview.openPdf')}
            </a>
          ) : null}
        </div>
        {invoice ? (
          // Outside the editor's form (the send dialog has its own); it saves what is typed, then sends.
          <SendButton invoice={invoice} beforeSend={() => save.mutateAsync(draft)} />
        ) : null}
        <DocumentPreview doc={preview} />
        {invoice ? (
          <>
            <div className="flex items-center justify-between gap-2">
              <h3 className="font-semibold">{t('invoices.preview.pdfTitle')}</h3>
              <Button variant="secondary" loading={save.isPending} onClick={() => save.mutate(draft)}>
                {t('invoices.preview.refreshPdf')}
              </Button>
            </div>
            <PdfFrame
              url={documentPdfUrl(kind, invoice.id)}
              title={kindText(t, kind, 'preview.pdfFrame', { number: t('invoices.draftNumber') })}
              version={pdfVersion}
            />
          </>
        ) : null}
      </aside>
      {invoice ? (
        <ConfirmDialog
          open={confirmDelete}
          title={t('invoices.editor.deleteDraft')}
          description={t('invoices.editor.deleteConfirm')}
          confirmLabel={t('invoices.editor.deleteDraft')}
          pending={remove.isPending}
          error={remove.error ? errorMessage(remove.error, t) : null}
          onConfirm={() => remove.mutate()}
          onClose={() => setConfirmDelete(false)}
        />
      ) : null}
    </div>
  )
}

function CellInputLabeled({
  label,
  value,
  error,
  onChange,
}: {
  label: string
  value: string
  error?: string
  onChange: (value: string) => void
}) {
  return (
    <Input
      label={label}
      inputMode="decimal"
      value={value}
      error={error}
      onChange={(e) => onChange(e.target.value)}
      containerClassName="flex-1"
    />
  )
}

function TotalRow({
  label,
  value,
  currency,
  strong,
}: {
  label: string
  value: number
  currency: string
  strong?: boolean
}) {
  return (
    <div
      className={
        strong
          ? 'flex justify-between border-t border-slate-300 pt-1 font-semibold dark:border-slate-600'
          : 'flex justify-between'
      }
    >
      <dt>{label}</dt>
      <dd>
        <Money value={value} currency={currency} />
      </dd>
    </div>
  )
}
