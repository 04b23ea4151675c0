type DocumentRef = { documentId: string; clientId: string; number: string | null }
type Amounts = { total: number; balance: number; currency: string }
type RecurringRef = { profileId: string; clientId: string; nextDate: string | null }

declare module '../../kernel/events/index.ts' {
  interface DomainEvents {
    'invoice.created': DocumentRef
    'invoice.updated': DocumentRef
    'invoice.deleted': DocumentRef
    'invoice.sent': DocumentRef & Amounts & { dueDate: string | null }
    'invoice.viewed': DocumentRef
    'invoice.partially_paid': DocumentRef & Amounts
    'invoice.paid': DocumentRef & Amounts
    /** A paid invoice open again (a refund). */
    'invoice.reopened': DocumentRef & Amounts
    'invoice.overdue': DocumentRef & Amounts & { dueDate: string }
    'invoice.voided': DocumentRef & { reason: string }
    'quote.created': DocumentRef
    'quote.updated': DocumentRef
    'quote.deleted': DocumentRef
    'quote.sent': DocumentRef & Amounts & { validUntil: string | null }
    'quote.viewed': DocumentRef
    'quote.accepted': DocumentRef & { acceptedBy: string }
    'quote.declined': DocumentRef & { reason: string | null }
    'quote.expired': DocumentRef
    'quote.converted': DocumentRef & { invoiceId: string }
    'credit_note.created': DocumentRef & { invoiceId: string }
    'credit_note.deleted': DocumentRef & { invoiceId: string }
    'credit_note.issued': DocumentRef & Amounts & { invoiceId: string; applied: number; keptAsCredit: number }
    /** An invoice written by a recurring profile for one period (a draft, or sent when it auto-sends). */
    'invoice.generated': DocumentRef & { profileId: string; periodStart: string }
    /** A payment reminder emailed for an open invoice, `offsetDays` from its due date (negative before). */
    'invoice.reminder_sent': DocumentRef & Amounts & { offsetDays: number; to: string }
    'recurring_invoice.created': RecurringRef
    'recurring_invoice.updated': RecurringRef
    'recurring_invoice.paused': RecurringRef
    'recurring_invoice.resumed': RecurringRef
    'recurring_invoice.completed': RecurringRef
    'recurring_invoice.deleted': RecurringRef
    'payment.recorded': {
      paymentId: string
      clientId: string
      invoiceId: string | null
      amount: number
      currency: string
      method: string
    }
    'payment.refunded': {
      paymentId: string
      refundId: string
      clientId: string
      invoiceId: string | null
      amount: number
      currency: string
    }
  }
}

/** The domain events the invoices module emits (payloads carry ids and amounts; subscribers read the rest). */
export const invoiceEvents = [
  'invoice.created',
  'invoice.updated',
  'invoice.deleted',
  'invoice.sent',
  'invoice.viewed',
  'invoice.partially_paid',
  'invoice.paid',
  'invoice.reopened',
  'invoice.overdue',
  'invoice.voided',
  'quote.created',
  'quote.updated',
  'quote.deleted',
  'quote.sent',
  'quote.viewed',
  'quote.accepted',
  'quote.declined',
  'quote.expired',
  'quote.converted',
  'credit_note.created',
  'credit_note.deleted',
  'credit_note.issued',
  'invoice.generated',
  'invoice.reminder_sent',
  'recurring_invoice.created',
  'recurring_invoice.updated',
  'recurring_invoice.paused',
  'recurring_invoice.resumed',
  'recurring_invoice.completed',
  'recurring_invoice.deleted',
  'payment.recorded',
  'payment.refunded',
] as const
