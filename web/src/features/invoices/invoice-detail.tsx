import { useMutation, useQuery } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { paymentMethods } from '../../../../contracts/invoice-values.ts'
import {
  Alert,
  Button,
  buttonClasses,
  Checkbox,
  Dialog,
  Form,
  Input,
  Select,
} from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { can, type Me } from '../auth/api.ts'
import { OnlinePayments } from '../payments/online-payments.tsx'
import {
  creditNotesQuery,
  fromMinorUnits,
  type InvoiceDocument,
  invoicePdfUrl,
  invoicesApi,
  paymentsQuery,
  toMinorUnits,
} from './api.ts'
import { InvoiceStatusBadge, Money, useFormatDay } from './badges.tsx'
import { EmailAgainButton, useDocumentRefresh, ViewLink } from './document-actions.tsx'
import { DocumentPreview, type PreviewDocument } from './document-preview.tsx'
import { EInvoiceMenu } from './e-invoice-menu.tsx'
import { DocumentLink } from './invoice-columns.tsx'
import { PdfFrame } from './pdf-frame.tsx'

const today = () => {
  const now = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

const useRefresh = (invoiceId: string) => useDocumentRefresh('invoice', invoiceId)

/** A sent invoice: the document as it was sent, where it stands, and what may be done with it. */
export function InvoiceDetail({ me, invoice }: { me: Me; invoice: InvoiceDocument }) {
  const { t } = useTranslation()
  const day = useFormatDay()
  const when = useFormatDateTime()
  const payments = useQuery(paymentsQuery(invoice.id))
  const notes = useQuery(creditNotesQuery(invoice.id, invoice.client.id))
  const open = !['draft', 'void', 'paid'].includes(invoice.status)
  const doc: PreviewDocument = {
    number: invoice.number,
    client: invoice.client.name,
    currency: invoice.currency,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    poNumber: invoice.poNumber,
    notes: invoice.notes,
    terms: invoice.terms,
    lines: invoice.lines.map((line) => ({
      key: line.id,
      description: line.description,
      quantity: line.quantity,
      unit: line.unit ?? '',
      total: line.total,
    })),
    subtotal: invoice.subtotal,
    discount: invoice.discountTotal,
    tax: invoice.taxTotal,
    taxInclusive: 0,
    shipping: invoice.shipping,
    total: invoice.total,
    balance: invoice.balance,
    draft: invoice.status === 'draft',
  }
  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0 space-y-6">
        <dl className="grid gap-4 sm:grid-cols-4">
          <Figure label={t('invoices.fields.total')}>
            <Money value={invoice.total} currency={invoice.currency} />
          </Figure>
          <Figure label={t('invoices.totals.paid')}>
            <Money value={invoice.paid} currency={invoice.currency} />
          </Figure>
          <Figure label={t('invoices.totals.credited')}>
            <Money value={invoice.credited} currency={invoice.currency} />
          </Figure>
          <Figure label={t('invoices.fields.balance')}>
            <span data-testid="amount-due">
              <Money value={invoice.balance} currency={invoice.currency} />
            </span>
          </Figure>
        </dl>

        <section aria-labelledby="invoice-actions" className="space-y-2">
          <h2 id="invoice-actions" className="text-lg font-semibold">
            {t('invoices.detail.actions')}
          </h2>
          <div className="flex flex-wrap gap-2">
            {open && can(me, 'payments:write') ? <PaymentButton invoice={invoice} /> : null}
            <a href={invoicePdfUrl(invoice.id)} download className={buttonClasses('secondary')}>
              {t('invoices.preview.downloadPdf')}
            </a>
            <a
              href={invoicePdfUrl(invoice.id)}
              target="_blank"
              rel="noreferrer"
              className={buttonClasses('secondary')}
            >
              {t('invoices.preview.openPdf')}
            </a>
            {invoice.number ? <EInvoiceMenu invoiceId={invoice.id} /> : null}
            {invoice.number && invoice.status !== 'void' && can(me, 'invoices:write') ? (
              <EmailAgainButton invoice={invoice} />
            ) : null}
            {invoice.status !== 'void' && can(me, 'invoices:credit') ? (
              <CreditNoteButton invoice={invoice} />
            ) : null}
            {invoice.status !== 'void' && can(me, 'invoices:void') ? <VoidButton invoice={invoice} /> : null}
          </div>
          {invoice.status !== 'void' && can(me, 'invoices:write') ? <ViewLink invoice={invoice} /> : null}
        </section>

        <section aria-labelledby="invoice-history" className="space-y-2">
          <h2 id="invoice-history" className="text-lg font-semibold">
            {t('invoices.detail.history')}
          </h2>
          <ul className="space-y-1 text-sm">
            {invoice.sentAt ? <li>{t('invoices.detail.sentAt', { date: when(invoice.sentAt) })}</li> : null}
            {invoice.viewedAt ? (
              <li>{t('invoices.detail.viewedAt', { date: when(invoice.viewedAt) })}</li>
            ) : null}
            {invoice.paidAt ? <li>{t('invoices.detail.paidAt', { date: when(invoice.paidAt) })}</li> : null}
            {invoice.voidReason ? (
              <li>{t('invoices.detail.voidedBecause', { reason: invoice.voidReason })}</li>
            ) : null}
          </ul>
        </section>

        <section aria-labelledby="invoice-payments" className="space-y-2">
          <h2 id="invoice-payments" className="text-lg font-semibold">
            {t('invoices.detail.payments')}
          </h2>
          {payments.data?.data.length ? (
            <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 text-sm dark:divide-slate-700 dark:border-slate-700">
              {payments.data.data.map((payment) => (
                <li key={payment.id} className="flex justify-between gap-4 px-3 py-2">
                  <span>
                    {t('invoices.detail.paymentRow', {
                      method: t(`invoices.detail.methods.${payment.method as 'cash'}`, {
                        defaultValue: payment.method,
                      }),
                      date: day(payment.paidOn),
                    })}
                    {payment.reference ? ` · ${payment.reference}` : ''}
                  </span>
                  <Money
                    value={payment.kind === 'refund' ? -payment.amount : payment.amount}
                    currency={payment.currency}
                  />
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-700 dark:text-slate-300">{t('invoices.detail.noPayments')}</p>
          )}
        </section>

        <OnlinePayments me={me} invoiceId={invoice.id} />

        {notes.data?.length ? (
          <section aria-labelledby="invoice-credit-notes" className="space-y-2">
            <h2 id="invoice-credit-notes" className="text-lg font-semibold">
              {t('invoices.detail.creditNotes')}
            </h2>
            <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 text-sm dark:divide-slate-700 dark:border-slate-700">
              {notes.data.map((note) => (
                <li key={note.id} className="flex items-center justify-between gap-4 px-3 py-2">
                  <DocumentLink kind="credit_note" documentId={note.id}>
                    {note.number ?? t('invoices.draftNumber')}
                  </DocumentLink>
                  <InvoiceStatusBadge status={note.status} />
                  <Money value={note.total} currency={note.currency} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
      <aside aria-label={t('invoices.preview.title')} className="space-y-2 xl:sticky xl:top-4 xl:self-start">
        <h2 className="text-lg font-semibold">{t('invoices.preview.title')}</h2>
        {invoice.number ? (
          <PdfFrame
            url={invoicePdfUrl(invoice.id)}
            title={t('invoices.preview.pdfFrame', { number: invoice.number })}
          />
        ) : (
          <DocumentPreview doc={doc} />
        )}
      </aside>
    </div>
  )
}

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900">
      <dt className="text-xs text-slate-700 dark:text-slate-300">{label}</dt>
      <dd className="text-lg font-semibold">{children}</dd>
    </div>
  )
}

function PaymentButton({ invoice }: { invoice: InvoiceDocument }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [amount, setAmount] = useState('')
  const [paidOn, setPaidOn] = useState(today)
  const [method, setMethod] = useState<(typeof paymentMethods)[number]>('bank_transfer')
  const [reference, setReference] = useState('')
  const refresh = useRefresh(invoice.id)
  const record = useMutation({
    mutationFn: () =>
      invoicesApi.recordPayment({
        invoiceId: invoice.id,
        method,
        amount: toMinorUnits(amount, invoice.currency) ?? Number.NaN,
        currency: invoice.currency,
        paidOn,
        reference: reference || null,
      }),
    onSuccess: () => {
      setOpen(false)
      showToast({ message: t('invoices.detail.paymentRecorded') })
      void refresh()
    },
  })
  const fields = fieldErrorsOf(record.error)
  const show = () => {
    setAmount(fromMinorUnits(invoice.balance, invoice.currency))
    setPaidOn(today())
    setReference('')
    record.reset()
    setOpen(true)
  }
  return (
    <>
      <Button onClick={show}>{t('invoices.detail.recordPayment')}</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t('invoices.detail.paymentTitle')}>
        <Form onSubmit={() => record.mutate()}>
          <Input
            label={`${t('invoices.detail.paymentAmount')} (${invoice.currency})`}
            inputMode="decimal"
            value={amount}
            error={
              fields.amount ??
              (amount.trim() && toMinorUnits(amount, invoice.currency) === null
                ? t('invoices.editor.invalidNumber')
                : undefined)
            }
            onChange={(e) => setAmount(e.target.value)}
          />
          <Input
            type="date"
            label={t('invoices.detail.paymentDate')}
            value={paidOn}
            error={fields.paidOn}
            onChange={(e) => setPaidOn(e.target.value)}
          />
          <Select
            label={t('invoices.detail.paymentMethod')}
            value={method}
            error={fields.method}
            onChange={(e) => setMethod(e.target.value as typeof method)}
          >
            {paymentMethods.map((m) => (
              <option key={m} value={m}>
                {t(`invoices.detail.methods.${m}`)}
              </option>
            ))}
          </Select>
          <Input
            label={t('invoices.detail.paymentReference')}
            value={reference}
            error={fields.reference}
            onChange={(e) => setReference(e.target.value)}
          />
          {record.error && !Object.keys(fields).length ? (
            <Alert tone="error">{errorMessage(record.error, t)}</Alert>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={record.isPending}>
              {t('invoices.detail.recordPayment')}
            </Button>
          </div>
        </Form>
      </Dialog>
    </>
  )
}

function VoidButton({ invoice }: { invoice: InvoiceDocument }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState('')
  const refresh = useRefresh(invoice.id)
  const voidIt = useMutation({
    mutationFn: () => invoicesApi.void({ invoiceId: invoice.id, reason }),
    onSuccess: (next) => {
      setOpen(false)
      showToast({ message: t('invoices.detail.voided') })
      void refresh(next)
    },
  })
  const fields = fieldErrorsOf(voidIt.error)
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        {t('invoices.detail.void')}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t('invoices.detail.voidTitle')}>
        <Form onSubmit={() => voidIt.mutate()}>
          <Input
            label={t('invoices.detail.voidReason')}
            value={reason}
            error={fields.reason}
            onChange={(e) => setReason(e.target.value)}
          />
          {voidIt.error && !fields.reason ? (
            <Alert tone="error">{errorMessage(voidIt.error, t)}</Alert>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" variant="danger" loading={voidIt.isPending}>
              {t('invoices.detail.void')}
            </Button>
          </div>
        </Form>
      </Dialog>
    </>
  )
}

function CreditNoteButton({ invoice }: { invoice: InvoiceDocument }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [all, setAll] = useState(true)
  const [picked, setPicked] = useState<Set<string>>(new Set())
  const refresh = useRefresh(invoice.id)
  const credit = useMutation({
    mutationFn: () =>
      invoicesApi.creditNote({ invoiceId: invoice.id, lineIds: all ? undefined : [...picked] }),
    onSuccess: (note) => {
      setOpen(false)
      showToast({ message: t('invoices.detail.credited', { number: note.number ?? '' }) })
      void refresh()
    },
  })
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          credit.reset()
          setOpen(true)
        }}
      >
        {t('invoices.detail.creditNote')}
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={t('invoices.detail.creditTitle')}
        description={t('invoices.detail.creditHint')}
      >
        <Form onSubmit={() => credit.mutate()}>
          <Checkbox
            label={t('invoices.detail.creditAll')}
            checked={all}
            onChange={(e) => setAll(e.target.checked)}
          />
          {all ? null : (
            <fieldset className="space-y-1">
              <legend className="mb-1 text-sm font-semibold">{t('invoices.detail.creditLines')}</legend>
              {invoice.lines.map((line) => (
                <Checkbox
                  key={line.id}
                  label={`${line.description} (${fromMinorUnits(line.total, invoice.currency)} ${invoice.currency})`}
                  checked={picked.has(line.id)}
                  onChange={(e) => {
                    const next = new Set(picked)
                    if (e.target.checked) next.add(line.id)
                    else next.delete(line.id)
                    setPicked(next)
                  }}
                />
              ))}
            </fieldset>
          )}
          {credit.error ? <Alert tone="error">{errorMessage(credit.error, t)}</Alert> : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={credit.isPending} disabled={!all && picked.size === 0}>
              {t('invoices.detail.creditNote')}
            </Button>
          </div>
        </Form>
      </Dialog>
    </>
  )
}
