import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import type { InvoiceBulkResultSchema, InvoiceBulkSchema } from '../../../../contracts/invoice-lists.ts'
import { paymentMethods } from '../../../../contracts/invoice-values.ts'
import { Button, ConfirmDialog, FormDialog, Input, Select } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { api } from '../../lib/api.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'
import { can, type Me } from '../auth/api.ts'
import { filterOf, type InvoiceSearch, invoicesKey } from './api.ts'
import './document-strings.ts'

type BulkInput = z.input<typeof InvoiceBulkSchema>
type BulkResult = z.output<typeof InvoiceBulkResultSchema>
type Action = BulkInput['action']

/** What the bulk action applies to: chosen rows, or every invoice matching the view. */
export type BulkTarget = { kind: 'ids'; ids: string[] } | { kind: 'all'; count: number }

const today = () => {
  const now = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** Each action with the permission it needs (the server checks each invoice again). */
const actions: { action: Action; permission: Parameters<typeof can>[1]; danger?: boolean }[] = [
  { action: 'send', permission: 'invoices:write' },
  { action: 'markSent', permission: 'invoices:write' },
  { action: 'recordPayment', permission: 'payments:write' },
  { action: 'void', permission: 'invoices:void', danger: true },
  { action: 'delete', permission: 'invoices:delete', danger: true },
]

/**
 * The invoices list's bulk bar: send, mark sent, pay in full, void, delete drafts, for the chosen rows
 * or the whole view (its filter, with the count the user saw). One refusal leaves the others done; the
 * toast says how many changed and why the first one that did not.
 */
export function InvoiceBulkBar({
  me,
  search,
  target,
  onDone,
  onClear,
  returnFocus,
  selectAllOffer,
}: {
  me: Me
  search: InvoiceSearch
  target: BulkTarget
  onDone: () => void
  onClear: () => void
  returnFocus: () => HTMLElement | null
  selectAllOffer?: { count: number; onSelectAll: () => void }
}) {
  const { t } = useTranslation()
  const [action, setAction] = useState<Action | null>(null)
  const [method, setMethod] = useState<(typeof paymentMethods)[number]>('bank_transfer')
  const [paidOn, setPaidOn] = useState(today)
  const [reference, setReference] = useState('')
  const [reason, setReason] = useState('')
  const count = target.kind === 'all' ? target.count : target.ids.length
  const mutation = useRefreshingMutation({
    mutationFn: (input: Omit<BulkInput, 'ids' | 'filter' | 'expectedCount'>) =>
      api.post<BulkResult>('/api/v1/invoices/bulk', {
        ...input,
        ...(target.kind === 'all'
          ? { filter: filterOf(search), expectedCount: target.count }
          : { ids: target.ids }),
      }),
    queryKey: invoicesKey,
    onSuccess: (result, input) => {
      setAction(null)
      onDone()
      const done = t(`invoices.bulk.done.${input.action}`, { count: result.succeeded.length })
      const first = result.failed[0]
      showToast({
        message: first
          ? `${done} ${t('invoices.bulk.failed', { count: result.failed.length, reason: first.reason })}`
          : done,
      })
    },
  })
  const open = (next: Action) => {
    mutation.reset()
    setReason('')
    setReference('')
    setPaidOn(today())
    setAction(next)
  }
  const close = () => {
    setAction(null)
    mutation.reset()
  }
  const fields = fieldErrorsOf(mutation.error)
  const general =
    mutation.error && !fields.reason && !fields.paidOn && !fields.reference
      ? errorMessage(mutation.error, t)
      : null
  const submit = () => {
    if (action === 'recordPayment')
      mutation.mutate({ action, method, paidOn, reference: reference.trim() || undefined })
    else if (action === 'void') mutation.mutate({ action, reason: reason.trim() })
    else if (action) mutation.mutate({ action })
  }

  return (
    <section
      aria-label={t('invoices.bulk.title')}
      className="fixed inset-x-0 bottom-4 z-40 mx-auto flex w-fit max-w-[calc(100%-2rem)] flex-wrap items-center gap-2 rounded-lg border border-indigo-200 bg-indigo-50 p-3 shadow-xl dark:border-indigo-800 dark:bg-indigo-950"
    >
      <p className="mr-2 text-sm font-medium" aria-live="polite">
        {target.kind === 'all'
          ? t('invoices.bulk.allSelected', { count })
          : t('invoices.bulk.selected', { count })}
      </p>
      {selectAllOffer ? (
        <Button variant="ghost" onClick={selectAllOffer.onSelectAll}>
          {t('invoices.bulk.selectAll', { count: selectAllOffer.count })}
        </Button>
      ) : null}
      {actions
        .filter((a) => can(me, a.permission))
        .map((a) => (
          <Button key={a.action} variant={a.danger ? 'danger' : 'secondary'} onClick={() => open(a.action)}>
            {t(`invoices.bulk.actions.${a.action}`)}
          </Button>
        ))}
      <Button variant="ghost" onClick={onClear}>
        {t('invoices.bulk.clear')}
      </Button>

      {action && action !== 'delete' ? (
        <FormDialog
          onClose={close}
          returnFocus={returnFocus}
          title={t(`invoices.bulk.titles.${action}`, { count })}
          description={t(`invoices.bulk.bodies.${action}`, { count })}
          submitLabel={t(`invoices.bulk.actions.${action}`)}
          pending={mutation.isPending}
          onSubmit={submit}
        >
          <div aria-live="assertive">
            {general ? <p className="text-sm text-red-700 dark:text-red-400">{general}</p> : null}
          </div>
          {action === 'recordPayment' ? (
            <>
              <Select
                label={t('invoices.detail.paymentMethod')}
                value={method}
                onChange={(e) => setMethod(e.target.value as typeof method)}
              >
                {paymentMethods
                  .filter((m) => m !== 'credit')
                  .map((m) => (
                    <option key={m} value={m}>
                      {t(`invoices.detail.methods.${m}`)}
                    </option>
                  ))}
              </Select>
              <Input
                type="date"
                label={t('invoices.detail.paymentDate')}
                value={paidOn}
                error={fields.paidOn}
                onChange={(e) => setPaidOn(e.target.value)}
              />
              <Input
                label={t('invoices.detail.paymentReference')}
                value={reference}
                error={fields.reference}
                onChange={(e) => setReference(e.target.value)}
              />
            </>
          ) : null}
          {action === 'void' ? (
            <Input
              label={t('invoices.detail.voidReason')}
              value={reason}
              required
              error={fields.reason}
              onChange={(e) => setReason(e.target.value)}
            />
          ) : null}
        </FormDialog>
      ) : null}
      <ConfirmDialog
        open={action === 'delete'}
        title={t('invoices.bulk.titles.delete', { count })}
        description={t('invoices.bulk.bodies.delete', { count })}
        confirmLabel={t('invoices.bulk.actions.delete')}
        pending={mutation.isPending}
        error={general}
        onConfirm={submit}
        onClose={close}
        returnFocus={returnFocus}
      />
    </section>
  )
}
