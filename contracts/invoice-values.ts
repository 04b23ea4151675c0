/** The invoicing contract's value lists, without zod, so the web bundle's entry can import them. */
export const documentKinds = ['invoice', 'quote', 'credit_note'] as const
export type DocumentKind = (typeof documentKinds)[number]
export const invoiceStatuses = [
  'draft',
  'sent',
  'viewed',
  'partially_paid',
  'paid',
  'overdue',
  'void',
] as const
export const quoteStatuses = [
  'draft',
  'sent',
  'viewed',
  'accepted',
  'declined',
  'expired',
  'converted',
] as const
export const creditNoteStatuses = ['draft', 'issued'] as const
export const documentStatuses = [
  ...new Set([...invoiceStatuses, ...quoteStatuses, ...creditNoteStatuses]),
] as readonly string[]
export const paymentMethods = ['bank_transfer', 'cash', 'cheque', 'card', 'other', 'credit'] as const
export const taxCategoryCodes = ['S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M'] as const
export const templates = ['classic', 'modern', 'compact'] as const
export const numberResets = ['yearly', 'monthly', 'never'] as const
export const recurringFrequencies = ['weekly', 'monthly', 'quarterly', 'yearly'] as const
export const recurringStatuses = ['active', 'paused', 'completed'] as const
