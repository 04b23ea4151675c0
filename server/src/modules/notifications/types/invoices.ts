import { formatMoney, fromMinorUnits } from '../../../../../contracts/money.ts'
import { subscribe } from '../../../kernel/events/index.ts'
import type { Kernel } from '../../../kernel/kernel.ts'
import { registerNotificationType } from '../registry.ts'
import { notifyAny } from '../service.ts'
import { membersSeeingClient } from './audience.ts'

type InvoiceRef = { documentId: string; clientId: string; number: string | null }
type WithAmount = InvoiceRef & { total: number; balance: number; currency: string }

declare module '../registry.ts' {
  interface NotificationTypes {
    'invoice.viewed': InvoiceRef
    'invoice.paid': WithAmount
    'invoice.overdue': WithAmount & { dueDate: string }
  }
}

const name = (p: InvoiceRef) => (p.number ? `Invoice ${p.number}` : 'An invoice')
const money = (minor: number, currency: string) => {
  try {
    return formatMoney(minor, currency, 'en')
  } catch {
    return `${fromMinorUnits(minor, currency)} ${currency}`
  }
}
const link = (p: InvoiceRef) => `/invoices/${p.documentId}`

registerNotificationType({
  type: 'invoice.viewed',
  module: 'invoices',
  label: 'A client opens an invoice',
  render: (p) => ({ title: `${name(p)} was viewed`, summary: 'The client opened it from its link.' }),
  link,
  defaults: { in_app: true, email: false, push: false },
})
registerNotificationType({
  type: 'invoice.paid',
  module: 'invoices',
  label: 'An invoice is paid in full',
  render: (p) => ({ title: `${name(p)} was paid`, summary: `${money(p.total, p.currency)} received.` }),
  link,
  defaults: { in_app: true, email: true, push: false },
})
registerNotificationType({
  type: 'invoice.overdue',
  module: 'invoices',
  label: 'An invoice becomes overdue',
  render: (p) => ({
    title: `${name(p)} is overdue`,
    summary: `${money(p.balance, p.currency)} was due on ${p.dueDate}.`,
  }),
  link,
  defaults: { in_app: true, email: true, push: false },
})

/** The people who see the invoice's client (owners, admins, and the client's own members). */
function invoiceHandler<K extends 'invoice.viewed' | 'invoice.paid' | 'invoice.overdue'>(type: K) {
  return subscribe<K, Kernel>(type, `notifications.${type}`, async (e, kernel) => {
    if (!e.workspaceId) return
    const p = e.payload as InvoiceRef
    const to = await membersSeeingClient(kernel.database.db, e.workspaceId, p.clientId, 'invoices:read')
    const ctx = { db: kernel.database.db, jobs: kernel.jobs, workspaceId: e.workspaceId }
    await notifyAny(
      ctx,
      to,
      type,
      e.payload as Record<string, unknown>,
      `${type}:${p.documentId}:${e.occurredAt}`,
    )
  })
}

export const invoiceNotifications = [
  invoiceHandler('invoice.viewed'),
  invoiceHandler('invoice.paid'),
  invoiceHandler('invoice.overdue'),
]
