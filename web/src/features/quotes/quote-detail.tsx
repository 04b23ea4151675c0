import { useMutation } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, buttonClasses, cn, FormDialog, Input } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { can, type Me } from '../auth/api.ts'
import { documentPdfUrl, type InvoiceDocument, quotesApi } from '../invoices/api.ts'
import { Money, useFormatDay } from '../invoices/badges.tsx'
import { EmailAgainButton, useDocumentRefresh, ViewLink } from '../invoices/document-actions.tsx'
import { PdfFrame } from '../invoices/pdf-frame.tsx'
import '../invoices/document-strings.ts'

const steps = ['draft', 'sent', 'viewed', 'answered', 'converted'] as const
const stepOf: Record<string, number> = {
  draft: 0,
  sent: 1,
  viewed: 2,
  accepted: 3,
  declined: 3,
  expired: 2,
  converted: 4,
}

/** Draft → sent → viewed → accepted or declined → invoiced, as a list that says which step is current. */
function Progress({ quote }: { quote: InvoiceDocument }) {
  const { t } = useTranslation()
  const at = stepOf[quote.status] ?? 0
  // A declined or expired quote ends there: the steps after it are not coming.
  const ended = quote.status === 'declined' || quote.status === 'expired'
  return (
    <ol aria-label={t('quotes.detail.progress')} className="flex flex-wrap gap-2 text-sm">
      {steps.map((step, index) => {
        const done = index < at || (index === at && quote.status === 'converted')
        const current = index === at && !done
        const label =
          step === 'answered' && (quote.status === 'accepted' || quote.status === 'converted')
            ? t('invoices.status.accepted')
            : step === 'answered' && quote.status === 'declined'
              ? t('invoices.status.declined')
              : t(`quotes.detail.steps.${step}`)
        return (
          <li
            key={step}
            aria-current={current ? 'step' : undefined}
            className={cn(
              'rounded-full border px-3 py-1',
              done &&
                'border-emerald-700 bg-emerald-50 text-emerald-900 dark:border-emerald-400 dark:bg-emerald-950 dark:text-emerald-100',
              current &&
                'border-indigo-700 bg-indigo-50 font-semibold text-indigo-900 dark:border-indigo-300 dark:bg-indigo-950 dark:text-indigo-100',
              !done &&
                !current &&
                'border-slate-300 text-slate-700 dark:border-slate-600 dark:text-slate-300',
              ended && index > at && 'line-through',
            )}
          >
            {label}
            <span className="sr-only">
              {done
                ? ` (${t('quotes.detail.stepDone')})`
                : current
                  ? ` (${t('quotes.detail.stepCurrent')})`
                  : ''}
            </span>
          </li>
        )
      })}
    </ol>
  )
}

/** A sent quote: where it stands, its history, and what may be done next (convert, record an answer). */
export function QuoteDetail({ me, quote }: { me: Me; quote: InvoiceDocument }) {
  const { t } = useTranslation()
  const day = useFormatDay()
  const when = useFormatDateTime()
  const open = quote.status === 'sent' || quote.status === 'viewed'
  const write = can(me, 'invoices:write')
  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0 space-y-6">
        <Progress quote={quote} />
        <dl className="grid gap-4 sm:grid-cols-3">
          <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900">
            <dt className="text-xs text-slate-700 dark:text-slate-300">{t('invoices.fields.total')}</dt>
            <dd className="text-lg font-semibold">
              <Money value={quote.total} currency={quote.currency} />
            </dd>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900">
            <dt className="text-xs text-slate-700 dark:text-slate-300">{t('quotes.fields.validUntil')}</dt>
            <dd className="text-lg font-semibold">{day(quote.dueDate) || '—'}</dd>
          </div>
        </dl>
        {quote.status === 'expired' ? (
          <Alert tone="info">{t('quotes.detail.expired', { date: day(quote.dueDate) })}</Alert>
        ) : null}

        <section aria-labelledby="quote-actions" className="space-y-2">
          <h2 id="quote-actions" className="text-lg font-semibold">
            {t('invoices.detail.actions')}
          </h2>
          <div className="flex flex-wrap gap-2">
            {quote.status === 'accepted' && write ? <ConvertButton quote={quote} /> : null}
            {quote.status === 'converted' && quote.invoiceId ? (
              <Link
                to="/invoices/$invoiceId"
                params={{ invoiceId: quote.invoiceId }}
                className={buttonClasses()}
              >
                {t('quotes.detail.openInvoice')}
              </Link>
            ) : null}
            {open && write ? <AnswerButtons quote={quote} /> : null}
            <a href={documentPdfUrl('quote', quote.id)} download className={buttonClasses('secondary')}>
              {t('invoices.preview.downloadPdf')}
            </a>
            <a
              href={documentPdfUrl('quote', quote.id)}
              target="_blank"
              rel="noreferrer"
              className={buttonClasses('secondary')}
            >
              {t('invoices.preview.openPdf')}
            </a>
            {open && write ? <EmailAgainButton invoice={quote} /> : null}
          </div>
          {open && write ? <ViewLink invoice={quote} /> : null}
        </section>

        <section aria-labelledby="quote-history" className="space-y-2">
          <h2 id="quote-history" className="text-lg font-semibold">
            {t('invoices.detail.history')}
          </h2>
          <ul className="space-y-1 text-sm">
            {quote.sentAt ? <li>{t('invoices.detail.sentAt', { date: when(quote.sentAt) })}</li> : null}
            {quote.viewedAt ? <li>{t('invoices.detail.viewedAt', { date: when(quote.viewedAt) })}</li> : null}
            {quote.acceptedBy && quote.acceptedAt ? (
              <li>
                {t('quotes.detail.acceptedBy', { name: quote.acceptedBy, date: when(quote.acceptedAt) })}
              </li>
            ) : null}
            {quote.status === 'declined' ? (
              <li>
                {quote.declineReason
                  ? t('quotes.detail.declinedBecause', { reason: quote.declineReason })
                  : t('quotes.detail.declined')}
              </li>
            ) : null}
          </ul>
        </section>
      </div>
      <aside aria-label={t('invoices.preview.title')} className="space-y-2 xl:sticky xl:top-4 xl:self-start">
        <h2 className="text-lg font-semibold">{t('invoices.preview.title')}</h2>
        <PdfFrame
          url={documentPdfUrl('quote', quote.id)}
          title={t('quotes.preview.pdfFrame', { number: quote.number ?? '' })}
        />
      </aside>
    </div>
  )
}

/** An accepted quote becomes a draft invoice with the same lines; the invoice opens. */
function ConvertButton({ quote }: { quote: InvoiceDocument }) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const refresh = useDocumentRefresh('quote', quote.id)
  const convert = useMutation({
    mutationFn: () => quotesApi.convert(quote.id),
    onSuccess: (invoice) => {
      showToast({ message: t('quotes.detail.converted') })
      void refresh()
      void navigate({ to: '/invoices/$invoiceId', params: { invoiceId: invoice.id } })
    },
  })
  return (
    <>
      <Button loading={convert.isPending} onClick={() => convert.mutate()}>
        {t('quotes.detail.convert')}
      </Button>
      {convert.error ? <Alert tone="error">{errorMessage(convert.error, t)}</Alert> : null}
    </>
  )
}

/** For an answer that came by email or on paper: accepted (with the name) or declined (with a reason). */
function AnswerButtons({ quote }: { quote: InvoiceDocument }) {
  const { t } = useTranslation()
  const [dialog, setDialog] = useState<'accept' | 'decline' | null>(null)
  const [text, setText] = useState('')
  const refresh = useDocumentRefresh('quote', quote.id)
  const answer = useMutation({
    mutationFn: () =>
      dialog === 'accept'
        ? quotesApi.accept({ quoteId: quote.id, name: text.trim() })
        : quotesApi.decline({ quoteId: quote.id, reason: text.trim() || undefined }),
    onSuccess: (next) => {
      setDialog(null)
      showToast({
        message: next.status === 'accepted' ? t('quotes.detail.accepted') : t('quotes.detail.declinedToast'),
      })
      void refresh(next)
    },
  })
  const show = (next: 'accept' | 'decline') => {
    answer.reset()
    setText('')
    setDialog(next)
  }
  const fields = fieldErrorsOf(answer.error)
  const field = dialog === 'accept' ? 'name' : 'reason'
  return (
    <>
      <Button variant="secondary" onClick={() => show('accept')}>
        {t('quotes.detail.markAccepted')}
      </Button>
      <Button variant="secondary" onClick={() => show('decline')}>
        {t('quotes.detail.markDeclined')}
      </Button>
      {dialog ? (
        <FormDialog
          onClose={() => setDialog(null)}
          title={
            dialog === 'accept' ? t('quotes.detail.markAcceptedTitle') : t('quotes.detail.markDeclinedTitle')
          }
          description={dialog === 'accept' ? t('quotes.detail.markAcceptedHint') : undefined}
          submitLabel={
            dialog === 'accept' ? t('quotes.detail.markAccepted') : t('quotes.detail.markDeclined')
          }
          pending={answer.isPending}
          onSubmit={() => answer.mutate()}
        >
          {answer.error && !fields[field] ? (
            <Alert tone="error">{errorMessage(answer.error, t)}</Alert>
          ) : null}
          <Input
            label={dialog === 'accept' ? t('quotes.detail.acceptName') : t('quotes.detail.declineReason')}
            value={text}
            required={dialog === 'accept'}
            autoComplete="off"
            error={fields[field]}
            onChange={(e) => setText(e.target.value)}
          />
        </FormDialog>
      ) : null}
    </>
  )
}
