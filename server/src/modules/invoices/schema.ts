import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from '../../kernel/auth/schema.ts'
import { workspaces } from '../../kernel/tenancy/schema.ts'

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 })
const money = (name: string) => bigint(name, { mode: 'number' })
const workspaceId = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' })
const createdBy = () => uuid('created_by').references(() => users.id, { onDelete: 'set null' })

export type Discount = { type: 'percent'; value: string } | { type: 'amount'; value: number }

/** The catalog: products and services with a price in one currency and default tax rates. */
export const products = pgTable(
  'invoice_products',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    sortName: text('sort_name').notNull().generatedAlwaysAs(sql`lower(name)`),
    description: text('description'),
    unit: text('unit'),
    /** UN/ECE Recommendation 20 code for e-invoices (C62 = one, HUR = hour). */
    unitCode: text('unit_code').notNull().default('C62'),
    unitPrice: money('unit_price').notNull(),
    currency: text('currency').notNull(),
    taxRateIds: text('tax_rate_ids').array().notNull().default(sql`'{}'::text[]`),
    archivedAt: ts('archived_at'),
    createdBy: createdBy(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('invoice_products_ws_name_idx').on(t.workspaceId, t.sortName, t.id),
    index('invoice_products_ws_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('invoice_products_ws_updated_idx').on(t.workspaceId, t.updatedAt, t.id),
  ],
)

/** Filter values of products for the search engine (`archived`, `currency`). */
export const productFacets = pgTable(
  'invoice_product_facets',
  {
    workspaceId: uuid('workspace_id').notNull(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.key, t.value] }),
    index('invoice_product_facets_lookup_idx').on(t.workspaceId, t.key, t.value, t.productId),
  ],
)

/** Tax rates: the percentage is an exact decimal (numeric), never a float. */
export const taxRates = pgTable(
  'invoice_tax_rates',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    percent: numeric('percent', { precision: 7, scale: 4 }).notNull(),
    inclusive: boolean('inclusive').notNull().default(false),
    compound: boolean('compound').notNull().default(false),
    categoryCode: text('category_code').notNull().default('S'),
    exemptionReason: text('exemption_reason'),
    archivedAt: ts('archived_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('invoice_tax_rates_ws_idx').on(t.workspaceId, t.createdAt)],
)

export type Numbering = Record<
  'invoice' | 'quote' | 'credit_note',
  { pattern: string; reset: 'yearly' | 'monthly' | 'never' }
>
export type ReminderSchedule = { enabled: boolean; daysBefore: number[]; daysAfter: number[] }

/** One row per workspace; absent until first saved (the defaults apply). */
export const invoiceSettings = pgTable('invoice_settings', {
  workspaceId: workspaceId().primaryKey(),
  baseCurrency: text('base_currency').notNull(),
  paymentTermsDays: integer('payment_terms_days').notNull(),
  quoteValidDays: integer('quote_valid_days').notNull(),
  numbering: jsonb('numbering').$type<Numbering>().notNull(),
  defaultNotes: text('default_notes'),
  defaultTerms: text('default_terms'),
  defaultFooter: text('default_footer'),
  paymentInstructions: text('payment_instructions'),
  legal: jsonb('legal').$type<Record<string, unknown>>().notNull(),
  template: text('template').notNull(),
  brandColor: text('brand_color').notNull(),
  reminders: jsonb('reminders').$type<ReminderSchedule>().notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
})

/**
 * The next number per workspace, document type and period: the send transaction takes it with one
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING`, which holds the row until commit, so numbers are
 * gap-free and a rolled-back send uses none.
 */
export const numberCounters = pgTable(
  'invoice_number_counters',
  {
    workspaceId: workspaceId(),
    kind: text('kind').notNull(),
    period: text('period').notNull(),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.kind, t.period] })],
)

/** Quotes, invoices and credit notes: one table, told apart by `kind`. */
export const documents = pgTable(
  'invoice_documents',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    kind: text('kind', { enum: ['invoice', 'quote', 'credit_note'] }).notNull(),
    status: text('status').notNull(),
    number: text('number'),
    clientId: text('client_id').notNull(),
    /** The client's name when last saved (lists, search, and the record once the client is gone). */
    clientName: text('client_name').notNull(),
    currency: text('currency').notNull(),
    baseCurrency: text('base_currency').notNull(),
    exchangeRate: numeric('exchange_rate', { precision: 18, scale: 8 }),
    issueDate: date('issue_date'),
    dueDate: date('due_date'),
    poNumber: text('po_number'),
    notes: text('notes'),
    terms: text('terms'),
    footer: text('footer'),
    discount: jsonb('discount').$type<Discount | null>(),
    shipping: money('shipping').notNull().default(0),
    subtotal: money('subtotal').notNull().default(0),
    discountTotal: money('discount_total').notNull().default(0),
    taxTotal: money('tax_total').notNull().default(0),
    total: money('total').notNull().default(0),
    /** Invoices: Σ payments applied (refunds subtract). */
    paid: money('paid').notNull().default(0),
    /** Invoices: Σ credit notes applied. Credit notes: the part applied to their invoice. */
    credited: money('credited').notNull().default(0),
    balance: money('balance').notNull().generatedAlwaysAs(sql`total - paid - credited`),
    custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default({}),
    /** Invoice converted from this quote / quote an invoice came from. */
    quoteId: text('quote_id'),
    /** Credit notes: the invoice credited. Quotes: the invoice they became. */
    invoiceId: text('invoice_id'),
    voidReason: text('void_reason'),
    acceptedBy: text('accepted_by'),
    declineReason: text('decline_reason'),
    /** The public view page's token, hashed (sending by email comes with it). */
    viewTokenHash: text('view_token_hash'),
    /** What was sent, frozen: the document as it left draft, with seller and buyer details. */
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>(),
    sentAt: ts('sent_at'),
    viewedAt: ts('viewed_at'),
    acceptedAt: ts('accepted_at'),
    declinedAt: ts('declined_at'),
    paidAt: ts('paid_at'),
    voidedAt: ts('voided_at'),
    lastReminderAt: ts('last_reminder_at'),
    createdBy: createdBy(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invoice_documents_number_idx').on(t.workspaceId, t.kind, t.number),
    index('invoice_documents_ws_created_idx').on(t.workspaceId, t.kind, t.createdAt, t.id),
    index('invoice_documents_ws_updated_idx').on(t.workspaceId, t.kind, t.updatedAt, t.id),
    index('invoice_documents_ws_status_idx').on(t.workspaceId, t.kind, t.status, t.createdAt, t.id),
    index('invoice_documents_ws_client_idx').on(t.workspaceId, t.clientId, t.kind, t.createdAt),
    index('invoice_documents_ws_due_idx').on(t.workspaceId, t.kind, t.dueDate, t.id),
    index('invoice_documents_ws_issue_idx').on(t.workspaceId, t.kind, t.issueDate, t.id),
    index('invoice_documents_ws_total_idx').on(t.workspaceId, t.kind, t.total, t.id),
    uniqueIndex('invoice_documents_view_token_idx')
      .on(t.viewTokenHash)
      .where(sql`view_token_hash is not null`),
    index('invoice_documents_open_due_idx')
      .on(t.dueDate)
      .where(sql`status in ('sent', 'viewed', 'partially_paid')`),
  ],
)

export type LineTax = {
  taxRateId: string
  name: string
  percent: string
  inclusive: boolean
  compound: boolean
  categoryCode: string
  exemptionReason: string | null
  amount: number
}

/** A document's lines, in order, with their computed amounts. */
export const documentLines = pgTable(
  'invoice_document_lines',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    documentId: text('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    productId: text('product_id'),
    description: text('description').notNull(),
    quantity: numeric('quantity', { precision: 15, scale: 6 }).notNull(),
    unit: text('unit'),
    unitCode: text('unit_code').notNull().default('C62'),
    unitPrice: money('unit_price').notNull(),
    discount: jsonb('discount').$type<Discount | null>(),
    taxRateIds: text('tax_rate_ids').array().notNull().default(sql`'{}'::text[]`),
    taxes: jsonb('taxes').$type<LineTax[]>().notNull().default([]),
    amount: money('amount').notNull(),
    lineDiscount: money('line_discount').notNull(),
    documentDiscount: money('document_discount').notNull(),
    net: money('net').notNull(),
    tax: money('tax').notNull(),
    total: money('total').notNull(),
    /** Credit notes: the invoice line this line credits. */
    creditedLineId: text('credited_line_id'),
  },
  (t) => [
    uniqueIndex('invoice_document_lines_doc_idx').on(t.documentId, t.position),
    index('invoice_document_lines_credited_idx').on(t.creditedLineId),
  ],
)

/** Filter values of documents for the search engine (`cf.<key>` custom fields). */
export const documentFacets = pgTable(
  'invoice_document_facets',
  {
    workspaceId: uuid('workspace_id').notNull(),
    documentId: text('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.documentId, t.key, t.value] }),
    index('invoice_document_facets_lookup_idx').on(t.workspaceId, t.key, t.value, t.documentId),
  ],
)

/**
 * Money received and refunded. A row's `applied` is its effect on its invoice's paid amount and
 * `credit` its effect on the client's credit in that currency (both signed: a refund or a payment from
 * credit subtracts). Online payments add a `gateway` with its ids and fee, and nothing else.
 */
export const payments = pgTable(
  'invoice_payments',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    kind: text('kind', { enum: ['payment', 'refund'] }).notNull(),
    clientId: text('client_id').notNull(),
    invoiceId: text('invoice_id').references(() => documents.id, { onDelete: 'cascade' }),
    /** A credit note's excess over its invoice's balance, kept as credit. */
    creditNoteId: text('credit_note_id').references(() => documents.id, { onDelete: 'cascade' }),
    refundOf: text('refund_of'),
    method: text('method').notNull(),
    status: text('status').notNull().default('succeeded'),
    amount: money('amount').notNull(),
    applied: money('applied').notNull(),
    credit: money('credit').notNull(),
    currency: text('currency').notNull(),
    paidOn: date('paid_on').notNull(),
    reference: text('reference'),
    notes: text('notes'),
    gateway: text('gateway'),
    gatewayPaymentId: text('gateway_payment_id'),
    gatewayFee: money('gateway_fee'),
    gatewayData: jsonb('gateway_data').$type<Record<string, unknown>>(),
    createdBy: createdBy(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('invoice_payments_ws_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('invoice_payments_invoice_idx').on(t.invoiceId, t.createdAt),
    index('invoice_payments_client_idx').on(t.workspaceId, t.clientId, t.currency),
    index('invoice_payments_refund_of_idx').on(t.refundOf),
    uniqueIndex('invoice_payments_gateway_idx')
      .on(t.workspaceId, t.gateway, t.gatewayPaymentId)
      .where(sql`gateway_payment_id is not null`),
  ],
)

/** A line of a recurring profile as given (catalog defaults filled in when the profile was saved). */
export type RecurringLine = {
  productId: string | null
  description: string
  quantity: string
  unit: string | null
  unitCode: string
  unitPrice: number
  discount: Discount | null
  taxRateIds: string[]
}

/**
 * Recurring invoice profiles: what to bill, to whom, how often. `generated` counts the periods
 * written and `next_date` is the next period's start (null once completed); the job reads profiles
 * due across workspaces, so row-level security is enabled, not forced.
 */
export const recurringProfiles = pgTable(
  'invoice_recurring_profiles',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    name: text('name'),
    status: text('status', { enum: ['active', 'paused', 'completed'] }).notNull(),
    clientId: text('client_id').notNull(),
    clientName: text('client_name').notNull(),
    currency: text('currency').notNull(),
    lines: jsonb('lines').$type<RecurringLine[]>().notNull(),
    discount: jsonb('discount').$type<Discount | null>(),
    shipping: money('shipping').notNull().default(0),
    notes: text('notes'),
    terms: text('terms'),
    frequency: text('frequency', { enum: ['weekly', 'monthly', 'quarterly', 'yearly'] }).notNull(),
    interval: integer('interval').notNull().default(1),
    startDate: date('start_date').notNull(),
    endDate: date('end_date'),
    count: integer('count'),
    dueDays: integer('due_days'),
    autoSend: boolean('auto_send').notNull().default(false),
    total: money('total').notNull().default(0),
    generated: integer('generated').notNull().default(0),
    nextDate: date('next_date'),
    lastInvoiceId: text('last_invoice_id'),
    lastError: text('last_error'),
    createdBy: createdBy(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('invoice_recurring_ws_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('invoice_recurring_ws_updated_idx').on(t.workspaceId, t.updatedAt, t.id),
    index('invoice_recurring_ws_client_idx').on(t.workspaceId, t.clientId),
    index('invoice_recurring_due_idx').on(t.nextDate).where(sql`status = 'active'`),
  ],
)

/** Filter values of recurring profiles for the search engine. */
export const recurringFacets = pgTable(
  'invoice_recurring_facets',
  {
    workspaceId: uuid('workspace_id').notNull(),
    profileId: text('profile_id')
      .notNull()
      .references(() => recurringProfiles.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.profileId, t.key, t.value] }),
    index('invoice_recurring_facets_lookup_idx').on(t.workspaceId, t.key, t.value, t.profileId),
  ],
)

/**
 * One row per period a profile has billed, taken in the transaction that writes its invoice: the
 * primary key makes a second invoice for the same period impossible, however runs overlap or crash.
 */
export const recurringRuns = pgTable(
  'invoice_recurring_runs',
  {
    workspaceId: workspaceId(),
    profileId: text('profile_id')
      .notNull()
      .references(() => recurringProfiles.id, { onDelete: 'cascade' }),
    periodStart: date('period_start').notNull(),
    seq: integer('seq').notNull(),
    invoiceId: text('invoice_id').references(() => documents.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.periodStart] })],
)

/**
 * Payment reminders sent: one row per invoice and offset from its due date (negative before), taken in
 * the transaction that enqueues the email, so each reminder goes out at most once. Read by the
 * reminder job across workspaces: row-level security enabled, not forced.
 */
export const invoiceReminders = pgTable(
  'invoice_reminders',
  {
    workspaceId: workspaceId(),
    invoiceId: text('invoice_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    offsetDays: integer('offset_days').notNull(),
    sentTo: text('sent_to').notNull(),
    sentAt: ts('sent_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.invoiceId, t.offsetDays] })],
)
