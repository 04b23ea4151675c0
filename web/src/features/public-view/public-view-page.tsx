import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatMoney } from '../../../../contracts/money.ts'
import {
  Alert,
  Button,
  buttonClasses,
  FormDialog,
  Input,
  PageSpinner,
  Textarea,
} from '../../components/ui/index.ts'
import { ApiError } from '../../lib/api.ts'
import { useDocumentTitle } from '../../lib/document-title.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useFormatDate } from '../../lib/format.ts'
import { type PublicDocument, publicDocumentQuery, publicPdfUrl, publicQuoteApi } from './api.ts'
import { PayNow } from './pay-now.tsx'
import './strings.ts'

/** The page a client reaches from the link in an invoice or quote email: no session, no app shell. */
export function PublicViewPage({ token }: { token: string }) {
  const { t } = useTranslation()
  const query = useQuery(publicDocumentQuery(token))
  const doc = query.data
  useDocumentTitle(
    doc ? t(`publicView.title.${doc.kind}`, { number: doc.number ?? '' }) : t('publicView.kind.invoice'),
  )
  return (
    <div className="min-h-screen bg-slate-50 px-3 py-6 sm:px-6 sm:py-10 dark:bg-slate-950">
      <main className="mx-auto w-full max-w-4xl">
        {query.isPending ? (
          <PageSpinner />
        ) : query.isError ? (
          <LoadError error={query.error} onRetry={() => query.refetch()} />
        ) : (
          <DocumentView token={token} doc={doc!} />
        )}
        <p className="mt-6 text-center text-xs text-slate-600 dark:text-slate-400">
          {t('publicView.poweredBy', { app: t('app.name') })}
        </p>
      </main>
    </div>
  )
}

function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation()
  const status = error instanceof ApiError ? error.status : 0
  if (status === 404 || status === 400)
    return (
      <Panel>
        <h1 className="mb-3 text-2xl font-semibold">{t('publicView.notFound.title')}</h1>
        <p className="text-sm">{t('publicView.notFound.body')}</p>
      </Panel>
    )
  if (status === 429)
    return (
      <Panel>
        <h1 className="mb-3 text-2xl font-semibold">{t('publicView.tooMany.title')}</h1>
        <p className="mb-4 text-sm">{t('publicView.tooMany.body')}</p>
        <Button variant="secondary" onClick={onRetry}>
          {t('publicView.tooMany.retry')}
        </Button>
      </Panel>
    )
  return (
    <Panel>
      <h1 className="mb-3 text-2xl font-semibold">{t('errors.pageTitle')}</h1>
      <Alert tone="error">{errorMessage(error, t)}</Alert>
    </Panel>
  )
}

function Panel({ children }: { children: ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-8 dark:border-slate-700 dark:bg-slate-900">
      {children}
    </div>
  )
}

const statusTones: Record<string, string> = {
  paid: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  accepted: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  converted: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  overdue: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  declined: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  expired: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
}

function DocumentView({ token, doc }: { token: string; doc: PublicDocument }) {
  const { t, i18n } = useTranslation()
  const formatDate = useFormatDate()
  const money = (value: number) => formatMoney(value, doc.currency, i18n.language)
  const title = t(`publicView.title.${doc.kind}`, { number: doc.number ?? '' })
  const canAnswer = doc.kind === 'quote' && (doc.status === 'sent' || doc.status === 'viewed')
  const totals: [string, number][] = [[t('publicView.subtotal'), doc.totals.subtotal]]
  if (doc.totals.discount) totals.push([t('publicView.discount'), -doc.totals.discount])
  if (doc.totals.shipping) totals.push([t('publicView.shipping'), doc.totals.shipping])
  totals.push([t('publicView.tax'), doc.totals.tax])
  return (
    <Panel>
      <header className="flex flex-col gap-4 border-b border-slate-200 pb-4 sm:flex-row sm:items-start sm:justify-between dark:border-slate-700">
        <div>
          <h1 className="text-2xl font-semibold">{title}</h1>
          <p className="mt-2">
            <span className="sr-only">{t('publicView.status')}: </span>
            <span
              className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-medium ${
                statusTones[doc.status] ?? 'bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100'
              }`}
            >
              {t(`publicView.statuses.${doc.status}`, { defaultValue: doc.status })}
            </span>
          </p>
        </div>
        <a
          href={publicPdfUrl(token)}
          className={buttonClasses('secondary')}
          target="_blank"
          rel="noopener"
          download={`${doc.number ?? doc.kind}.pdf`}
        >
          {t('publicView.downloadPdf')}
        </a>
      </header>

      <div className="grid gap-6 py-6 sm:grid-cols-3">
        <Party label={t('publicView.from')} name={doc.seller.name} lines={doc.seller.addressLines} />
        <Party label={t('publicView.to')} name={doc.buyer.name} lines={[]} />
        <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-sm sm:grid-cols-1">
          <Term label={t('publicView.number')}>{doc.number ?? '—'}</Term>
          <Term label={t('publicView.issueDate')}>{formatDate(doc.issueDate)}</Term>
          {doc.dueDate ? (
            <Term label={t(`publicView.dueDate.${doc.kind}`)}>{formatDate(doc.dueDate)}</Term>
          ) : null}
          {doc.poNumber ? <Term label={t('publicView.poNumber')}>{doc.poNumber}</Term> : null}
        </dl>
      </div>

      {/* Scrolls sideways on a phone; focusable so the keyboard can scroll it too. */}
      <section
        aria-labelledby="public-lines"
        className="overflow-x-auto rounded focus-visible:outline-2 focus-visible:outline-indigo-600"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
        tabIndex={0}
      >
        <h2 id="public-lines" className="sr-only">
          {t('publicView.lines')}
        </h2>
        <table className="w-full text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-slate-700 dark:border-slate-700 dark:text-slate-300">
              <th scope="col" className="py-2 pr-3 font-medium">
                {t('publicView.description')}
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                {t('publicView.quantity')}
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                {t('publicView.unitPrice')}
              </th>
              <th scope="col" className="hidden py-2 pr-3 text-right font-medium sm:table-cell">
                {t('publicView.tax')}
              </th>
              <th scope="col" className="py-2 text-right font-medium">
                {t('publicView.lineTotal')}
              </th>
            </tr>
          </thead>
          <tbody>
            {doc.lines.map((line, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines have no ids in the public view and never reorder
              <tr key={i} className="border-b border-slate-100 align-top dark:border-slate-800">
                <td className="py-2 pr-3 whitespace-pre-line">{line.description}</td>
                <td className="py-2 pr-3 text-right tabular-nums">
                  {line.quantity} {line.unit}
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{money(line.unitPrice)}</td>
                <td className="hidden py-2 pr-3 text-right tabular-nums sm:table-cell">{money(line.tax)}</td>
                <td className="py-2 text-right tabular-nums">{money(line.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <dl className="mt-4 ml-auto grid w-full max-w-xs grid-cols-2 gap-y-1 text-sm">
        {totals.map(([label, value]) => (
          <Row key={label} label={label} value={money(value)} />
        ))}
        <Row label={t('publicView.total')} value={money(doc.totals.total)} strong />
        {doc.kind === 'invoice' && doc.totals.paid ? (
          <Row label={t('publicView.paid')} value={money(doc.totals.paid)} />
        ) : null}
        {doc.kind === 'invoice' ? (
          <Row label={t('publicView.amountDue')} value={money(doc.totals.amountDue)} strong />
        ) : null}
      </dl>

      {doc.kind === 'invoice' ? (
        <PayNow
          token={token}
          status={doc.status}
          amountDue={doc.totals.amountDue}
          amount={money(doc.totals.amountDue)}
        />
      ) : null}
      {canAnswer ? <QuoteAnswer token={token} /> : null}
      {doc.kind === 'quote' && (doc.status === 'accepted' || doc.status === 'declined') ? (
        <Alert tone={doc.status === 'accepted' ? 'success' : 'info'} className="mt-6">
          {t(doc.status === 'accepted' ? 'publicView.accept.done' : 'publicView.decline.done')}
        </Alert>
      ) : null}

      <div className="mt-6 grid gap-4 sm:grid-cols-2">
        <TextBlock
          label={t('publicView.paymentInstructions')}
          text={doc.kind === 'invoice' ? doc.paymentInstructions : null}
        />
        <TextBlock label={t('publicView.notes')} text={doc.notes} />
        <TextBlock label={t('publicView.terms')} text={doc.terms} />
      </div>
    </Panel>
  )
}

function Party({ label, name, lines }: { label: string; name: string; lines: string[] }) {
  return (
    <div className="text-sm">
      <h2 className="mb-1 font-medium text-slate-700 dark:text-slate-300">{label}</h2>
      <p className="font-semibold">{name}</p>
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  )
}

function Term({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="contents sm:flex sm:gap-2">
      <dt className="text-slate-700 dark:text-slate-300">{label}</dt>
      <dd className="font-medium">{children}</dd>
    </div>
  )
}

function Row({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  const weight = strong ? 'font-semibold' : ''
  return (
    <>
      <dt className={weight}>{label}</dt>
      <dd className={`text-right tabular-nums ${weight}`}>{value}</dd>
    </>
  )
}

function TextBlock({ label, text }: { label: string; text: string | null }) {
  if (!text) return null
  return (
    <section className="text-sm">
      <h2 className="mb-1 font-medium text-slate-700 dark:text-slate-300">{label}</h2>
      <p className="whitespace-pre-line">{text}</p>
    </section>
  )
}

function QuoteAnswer({ token }: { token: string }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [open, setOpen] = useState<'accept' | 'decline' | null>(null)
  const [name, setName] = useState('')
  const [reason, setReason] = useState('')
  const [nameMissing, setNameMissing] = useState(false)
  const mutation = useMutation({
    mutationFn: (step: 'accept' | 'decline') =>
      step === 'accept'
        ? publicQuoteApi.accept(token, name.trim())
        : publicQuoteApi.decline(token, reason.trim() || null),
    onSuccess: (doc) => {
      queryClient.setQueryData(publicDocumentQuery(token).queryKey, doc)
      setOpen(null)
    },
  })
  const close = () => {
    setOpen(null)
    setNameMissing(false)
    mutation.reset()
  }
  const submit = () => {
    if (open === 'accept' && !name.trim()) return setNameMissing(true)
    if (open) mutation.mutate(open)
  }
  const fieldError = fieldErrorsOf(mutation.error)
  const otherError =
    mutation.error && !fieldError.name && !fieldError.reason ? errorMessage(mutation.error, t) : null
  return (
    <div className="mt-6 flex flex-col gap-3 rounded-md border border-slate-200 p-4 sm:flex-row sm:items-center dark:border-slate-700">
      <p className="text-sm sm:mr-auto">{t('publicView.answer')}</p>
      <Button variant="secondary" onClick={() => setOpen('decline')}>
        {t('publicView.decline.open')}
      </Button>
      <Button onClick={() => setOpen('accept')}>{t('publicView.accept.open')}</Button>
      {open ? (
        <FormDialog
          onClose={close}
          title={t(`publicView.${open}.title`)}
          description={t(`publicView.${open}.description`)}
          submitLabel={t(`publicView.${open}.confirm`)}
          submitVariant={open === 'decline' ? 'danger' : 'primary'}
          pending={mutation.isPending}
          onSubmit={submit}
        >
          {open === 'accept' ? (
            <Input
              label={t('publicView.accept.name')}
              value={name}
              onChange={(e) => {
                setName(e.target.value)
                setNameMissing(false)
                if (mutation.isError) mutation.reset()
              }}
              autoComplete="name"
              maxLength={200}
              required
              error={nameMissing ? t('validation.required') : fieldError.name}
            />
          ) : (
            <Textarea
              label={t('publicView.decline.reason')}
              value={reason}
              onChange={(e) => {
                setReason(e.target.value)
                if (mutation.isError) mutation.reset()
              }}
              maxLength={500}
              rows={3}
              error={fieldError.reason}
            />
          )}
          <div aria-live="assertive">
            {otherError ? <p className="mt-2 text-sm text-red-700 dark:text-red-400">{otherError}</p> : null}
          </div>
        </FormDialog>
      ) : null}
    </div>
  )
}
