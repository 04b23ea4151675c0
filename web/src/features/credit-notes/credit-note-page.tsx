import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, buttonClasses, ConfirmDialog, PageSpinner } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage } from '../../lib/errors.ts'
import { can, type Me, useMe } from '../auth/api.ts'
import { creditNotesApi, documentPdfUrl, documentQuery, type InvoiceDocument } from '../invoices/api.ts'
import { InvoiceStatusBadge, Money, useFormatDay } from '../invoices/badges.tsx'
import { useDocumentRefresh } from '../invoices/document-actions.tsx'
import { DocumentPreview, type PreviewDocument } from '../invoices/document-preview.tsx'
import { EInvoiceMenu } from '../invoices/e-invoice-menu.tsx'
import { PdfFrame } from '../invoices/pdf-frame.tsx'
import { PageHeader } from '../shell/app-shell.tsx'
import '../invoices/document-strings.ts'

/** A credit note: the invoice it credits, its lines and totals, its PDF and e-invoice downloads. */
export function CreditNotePage({ creditNoteId }: { creditNoteId: string }) {
  const { t } = useTranslation()
  const { data: me } = useMe()
  const query = useQuery(documentQuery('credit_note', creditNoteId))
  if (!me) return null
  if (query.isPending) return <PageSpinner />
  if (query.isError) return <Alert tone="error">{errorMessage(query.error, t)}</Alert>
  const note = query.data
  return (
    <>
      <div className="space-y-1">
        <p className="text-sm">
          <Link to="/credit-notes" className="text-indigo-800 hover:underline dark:text-indigo-300">
            {t('creditNotes.title')}
          </Link>
        </p>
        <PageHeader
          title={note.number ?? t('creditNotes.editor.editTitle')}
          description={
            <Link
              to="/clients/$clientId"
              params={{ clientId: note.client.id }}
              className="text-indigo-800 hover:underline dark:text-indigo-300"
            >
              {note.client.name}
            </Link>
          }
        />
        <InvoiceStatusBadge status={note.status} />
      </div>
      <CreditNoteDetail me={me} note={note} />
    </>
  )
}

function CreditNoteDetail({ me, note }: { me: Me; note: InvoiceDocument }) {
  const { t } = useTranslation()
  const day = useFormatDay()
  const issued = note.status === 'issued'
  const doc: PreviewDocument = {
    number: note.number,
    client: note.client.name,
    currency: note.currency,
    issueDate: note.issueDate,
    dueDate: null,
    poNumber: note.poNumber,
    notes: note.notes,
    terms: note.terms,
    lines: note.lines.map((line) => ({
      key: line.id,
      description: line.description,
      quantity: line.quantity,
      unit: line.unit ?? '',
      total: line.total,
    })),
    subtotal: note.subtotal,
    discount: note.discountTotal,
    tax: note.taxTotal,
    taxInclusive: 0,
    shipping: note.shipping,
    total: note.total,
    draft: !issued,
  }
  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0 space-y-6">
        <dl className="grid gap-4 sm:grid-cols-3">
          <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900">
            <dt className="text-xs text-slate-700 dark:text-slate-300">{t('invoices.fields.total')}</dt>
            <dd className="text-lg font-semibold">
              <Money value={note.total} currency={note.currency} />
            </dd>
          </div>
          {note.invoiceId ? (
            <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900">
              <dt className="text-xs text-slate-700 dark:text-slate-300">
                {t('creditNotes.detail.against')}
              </dt>
              <dd className="text-lg font-semibold">
                <InvoiceLink invoiceId={note.invoiceId} />
              </dd>
            </div>
          ) : null}
          {note.issueDate ? (
            <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900">
              <dt className="text-xs text-slate-700 dark:text-slate-300">{t('invoices.fields.issueDate')}</dt>
              <dd className="text-lg font-semibold">{day(note.issueDate)}</dd>
            </div>
          ) : null}
        </dl>

        <section aria-labelledby="note-actions" className="space-y-2">
          <h2 id="note-actions" className="text-lg font-semibold">
            {t('invoices.detail.actions')}
          </h2>
          <div className="flex flex-wrap gap-2">
            {!issued && can(me, 'invoices:credit') ? <IssueButton note={note} /> : null}
            <a href={documentPdfUrl('credit_note', note.id)} download className={buttonClasses('secondary')}>
              {t('invoices.preview.downloadPdf')}
            </a>
            <a
              href={documentPdfUrl('credit_note', note.id)}
              target="_blank"
              rel="noreferrer"
              className={buttonClasses('secondary')}
            >
              {t('invoices.preview.openPdf')}
            </a>
            {issued ? <EInvoiceMenu kind="credit_note" invoiceId={note.id} /> : null}
            {!issued && can(me, 'invoices:credit') ? <DeleteButton note={note} /> : null}
          </div>
        </section>

        <section aria-labelledby="note-lines" className="space-y-2">
          <h2 id="note-lines" className="text-lg font-semibold">
            {t('creditNotes.detail.lines')}
          </h2>
          <DocumentPreview doc={doc} />
        </section>
      </div>
      <aside aria-label={t('invoices.preview.title')} className="space-y-2 xl:sticky xl:top-4 xl:self-start">
        <h2 className="text-lg font-semibold">{t('invoices.preview.title')}</h2>
        <PdfFrame
          url={documentPdfUrl('credit_note', note.id)}
          title={t('creditNotes.preview.pdfFrame', { number: note.number ?? t('invoices.draftNumber') })}
        />
      </aside>
    </div>
  )
}

/** The credited invoice, named by its number. */
function InvoiceLink({ invoiceId }: { invoiceId: string }) {
  const invoice = useQuery(documentQuery('invoice', invoiceId))
  return (
    <Link
      to="/invoices/$invoiceId"
      params={{ invoiceId }}
      className="text-indigo-800 hover:underline dark:text-indigo-300"
    >
      {invoice.data?.number ?? invoiceId}
    </Link>
  )
}

function IssueButton({ note }: { note: InvoiceDocument }) {
  const { t } = useTranslation()
  const refresh = useDocumentRefresh('credit_note', note.id)
  const queryClient = useQueryClient()
  const issue = useMutation({
    mutationFn: () => creditNotesApi.issue(note.id),
    onSuccess: (next) => {
      showToast({ message: t('creditNotes.detail.issued') })
      void refresh(next)
      void queryClient.invalidateQueries({ queryKey: ['invoices'] })
    },
  })
  return (
    <>
      <Button loading={issue.isPending} onClick={() => issue.mutate()}>
        {t('creditNotes.detail.issue')}
      </Button>
      {issue.error ? <Alert tone="error">{errorMessage(issue.error, t)}</Alert> : null}
    </>
  )
}

function DeleteButton({ note }: { note: InvoiceDocument }) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [open, setOpen] = useState(false)
  const remove = useMutation({
    mutationFn: () => creditNotesApi.remove(note.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['credit-notes'] })
      void navigate({ to: '/credit-notes' })
    },
  })
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        {t('creditNotes.detail.deleteDraft')}
      </Button>
      <ConfirmDialog
        open={open}
        title={t('creditNotes.detail.deleteDraft')}
        description={t('creditNotes.detail.deleteConfirm')}
        confirmLabel={t('creditNotes.detail.deleteDraft')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => remove.mutate()}
        onClose={() => setOpen(false)}
      />
    </>
  )
}
