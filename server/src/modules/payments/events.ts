import { fromMinorUnits } from '../../../../contracts/money.ts'
import { type DomainEvent, type EventType, subscribe } from '../../kernel/events/index.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { emailWorkspaceOwners } from '../../kernel/mail/owners.ts'

type OnlineRef = {
  onlinePaymentId: string
  invoiceId: string
  invoiceNumber: string | null
  clientId: string
  gateway: string
  amount: number
  currency: string
}

declare module '../../kernel/events/index.ts' {
  interface DomainEvents {
    /** A gateway confirmed an online payment; `paymentId` is its entry in the invoice payments. */
    'payment.received': OnlineRef & {
      paymentId: string
      fee: number | null
      net: number | null
      feeCurrency: string | null
    }
    /** A payment attempt failed at the gateway (the invoice is unchanged). */
    'payment.failed': OnlineRef & { reason: string | null }
    /** A gateway confirmed a refund of an online payment (asked from Atrium or in its dashboard). */
    'payment.refund_settled': OnlineRef & { refundId: string; paymentId: string }
    /** The payer's bank disputes an online payment. */
    'dispute.opened': OnlineRef & { disputeId: string }
    /** A dispute ended: `lost` took the money back (recorded as a refund), `won` kept it. */
    'dispute.closed': OnlineRef & { disputeId: string; outcome: 'won' | 'lost' }
  }
}

export const paymentEvents = [
  'payment.received',
  'payment.failed',
  'payment.refund_settled',
  'dispute.opened',
  'dispute.closed',
] as const satisfies readonly EventType[]

type Notice = { subject: string; lines: string[] }

function noticeOf(e: DomainEvent<(typeof paymentEvents)[number]>): Notice {
  const p = e.payload
  const doc = p.invoiceNumber ?? p.invoiceId
  const money = `${fromMinorUnits(p.amount, p.currency)} ${p.currency}`
  switch (e.type) {
    case 'payment.received': {
      const q = e.payload as DomainEvent<'payment.received'>['payload']
      const fee =
        q.fee !== null && q.feeCurrency
          ? [
              `Gateway fee: ${fromMinorUnits(q.fee, q.feeCurrency)} ${q.feeCurrency}; net ${fromMinorUnits(q.net ?? 0, q.feeCurrency)} ${q.feeCurrency}.`,
            ]
          : []
      return {
        subject: `Payment received: ${money} for ${doc}`,
        lines: [`${money} was paid online for invoice ${doc}.`, ...fee],
      }
    }
    case 'payment.failed': {
      const q = e.payload as DomainEvent<'payment.failed'>['payload']
      return {
        subject: `Payment failed for ${doc}`,
        lines: [
          `An online payment of ${money} for invoice ${doc} failed.`,
          ...(q.reason ? [`Reason: ${q.reason}`] : []),
        ],
      }
    }
    case 'payment.refund_settled':
      return {
        subject: `Refund completed: ${money} for ${doc}`,
        lines: [`A refund of ${money} on invoice ${doc} is complete.`],
      }
    case 'dispute.opened':
      return {
        subject: `Payment disputed: ${money} for ${doc}`,
        lines: [
          `The payer disputed ${money} paid for invoice ${doc}. Answer the dispute in your gateway's dashboard.`,
        ],
      }
    case 'dispute.closed': {
      const q = e.payload as DomainEvent<'dispute.closed'>['payload']
      return {
        subject: `Dispute ${q.outcome}: ${money} for ${doc}`,
        lines: [
          q.outcome === 'won'
            ? `The dispute over ${money} for invoice ${doc} was decided in your favour.`
            : `The dispute over ${money} for invoice ${doc} was lost; the invoice is open again for that amount.`,
        ],
      }
    }
  }
}

/** Emails the workspace's owners after the change commits (never from the webhook request). */
async function emailOwners(e: DomainEvent<(typeof paymentEvents)[number]>, kernel: Kernel) {
  if (!e.workspaceId) return
  const n = noticeOf(e)
  await emailWorkspaceOwners({ db: kernel.database.db, jobs: kernel.jobs }, e.workspaceId, {
    ...n,
    action: { label: 'Open the invoice', url: `${kernel.config.appUrl}/invoices/${e.payload.invoiceId}` },
  })
}

export const paymentSubscribers = paymentEvents.map((type) =>
  subscribe<typeof type, Kernel>(type, `payments.owner-email.${type}`, (e, kernel) =>
    emailOwners(e as DomainEvent<(typeof paymentEvents)[number]>, kernel),
  ),
)
