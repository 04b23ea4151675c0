import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  index,
  jsonb,
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

/**
 * A workspace's connection to a payment gateway: its secrets sealed with AES-256-GCM (`secrets.ts`),
 * the id of the key that sealed them, and masked hints for display. One per workspace and gateway.
 */
export const gatewayConnections = pgTable(
  'payment_gateway_connections',
  {
    workspaceId: workspaceId(),
    gateway: text('gateway', { enum: ['stripe', 'paypal'] }).notNull(),
    keyId: text('key_id').notNull(),
    ciphertext: text('ciphertext').notNull(),
    hints: jsonb('hints').$type<Record<string, string>>().notNull(),
    mode: text('mode', { enum: ['test', 'live'] }).notNull(),
    accountId: text('account_id'),
    status: text('status', { enum: ['untested', 'ok', 'failed'] })
      .notNull()
      .default('untested'),
    lastCheckedAt: ts('last_checked_at'),
    lastCheckMessage: text('last_check_message'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.gateway] })],
)

/**
 * Every gateway event taken, by its id: written in the transaction that applies its effect, so a
 * repeated delivery finds its row and changes nothing.
 */
export const gatewayEvents = pgTable(
  'payment_gateway_events',
  {
    workspaceId: workspaceId(),
    gateway: text('gateway').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    objectId: text('object_id'),
    onlinePaymentId: text('online_payment_id'),
    /** When the gateway made the event. */
    eventCreatedAt: ts('event_created_at').notNull(),
    outcome: text('outcome').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.gateway, t.eventId] }),
    index('payment_gateway_events_payment_idx').on(t.workspaceId, t.onlinePaymentId),
  ],
)

/**
 * One attempt to pay an invoice online (a Checkout Session): what was asked, and what the gateway
 * says happened — paid, failed, refunded, disputed — with its ids, fee and net. The money itself is
 * in the invoice payments (`paymentId`), recorded through the invoices module.
 */
export const onlinePayments = pgTable(
  'online_payments',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    gateway: text('gateway', { enum: ['stripe', 'paypal'] }).notNull(),
    invoiceId: text('invoice_id').notNull(),
    invoiceNumber: text('invoice_number'),
    clientId: text('client_id').notNull(),
    status: text('status', {
      enum: ['pending', 'failed', 'succeeded', 'partially_refunded', 'refunded', 'disputed', 'dispute_lost'],
    })
      .notNull()
      .default('pending'),
    amount: money('amount').notNull(),
    amountReceived: money('amount_received').notNull().default(0),
    amountRefunded: money('amount_refunded').notNull().default(0),
    currency: text('currency').notNull(),
    checkoutSessionId: text('checkout_session_id'),
    checkoutUrl: text('checkout_url'),
    checkoutExpiresAt: ts('checkout_expires_at'),
    gatewayPaymentId: text('gateway_payment_id'),
    gatewayChargeId: text('gateway_charge_id'),
    balanceTransactionId: text('balance_transaction_id'),
    fee: money('fee'),
    net: money('net'),
    feeCurrency: text('fee_currency'),
    /** The invoice payment (`pay_…`) recording the money received. */
    paymentId: text('payment_id'),
    disputeId: text('dispute_id'),
    disputeStatus: text('dispute_status'),
    disputePaymentId: text('dispute_payment_id'),
    failureMessage: text('failure_message'),
    livemode: boolean('livemode').notNull().default(false),
    /** The requester: `app` (a signed-in user) or `view_link` (the invoice's public page). */
    origin: text('origin').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    paidAt: ts('paid_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('online_payments_ws_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('online_payments_invoice_idx').on(t.workspaceId, t.invoiceId, t.createdAt),
    index('online_payments_client_idx').on(t.workspaceId, t.clientId, t.createdAt),
    uniqueIndex('online_payments_session_idx')
      .on(t.workspaceId, t.gateway, t.checkoutSessionId)
      .where(sql`checkout_session_id is not null`),
    uniqueIndex('online_payments_gateway_payment_idx')
      .on(t.workspaceId, t.gateway, t.gatewayPaymentId)
      .where(sql`gateway_payment_id is not null`),
  ],
)

/**
 * Refunds of online payments: asked from Atrium (`requested`, then the gateway's id) or made in the
 * gateway's dashboard (found by the webhook). Final only when the gateway confirms (`succeeded`),
 * which records the refund in the invoice payments (`paymentId`).
 */
export const onlineRefunds = pgTable(
  'online_refunds',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    onlinePaymentId: text('online_payment_id')
      .notNull()
      .references(() => onlinePayments.id, { onDelete: 'cascade' }),
    gatewayRefundId: text('gateway_refund_id'),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['requested', 'pending', 'succeeded', 'failed', 'canceled'] }).notNull(),
    reason: text('reason'),
    paymentId: text('payment_id'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    confirmedAt: ts('confirmed_at'),
  },
  (t) => [
    index('online_refunds_payment_idx').on(t.onlinePaymentId, t.createdAt),
    uniqueIndex('online_refunds_gateway_idx')
      .on(t.workspaceId, t.gatewayRefundId)
      .where(sql`gateway_refund_id is not null`),
  ],
)
