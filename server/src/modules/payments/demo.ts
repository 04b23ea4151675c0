import { eq } from 'drizzle-orm'
import { newId } from '../../kernel/db/ids.ts'
import { noEvents } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { paymentTarget, seedDemoPayableInvoices } from '../invoices/index.ts'
import type { PaymentsDeps } from './deps.ts'
import type { PaymentState } from './gateway.ts'
import { onlinePayments } from './schema.ts'
import { applyPaymentState } from './webhooks.ts'

/**
 * Demo data: three invoices paid online (two by Stripe, one by PayPal), recorded as a gateway's
 * confirmation is — the online payment, its fee and net, the invoice payment, the audit entries —
 * from payment states written here; no gateway is called and none is connected.
 */
export async function seedDemoOnlinePayments(ctx: ServiceContext): Promise<void> {
  const invoiceIds = await seedDemoPayableInvoices(ctx)
  const deps = { events: noEvents } as unknown as PaymentsDeps
  const hex = (n: number) =>
    [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, '0')).join('')
  for (const [i, invoiceId] of invoiceIds.entries()) {
    const gateway = i === 1 ? ('paypal' as const) : ('stripe' as const)
    await withWorkspace(ctx, async (tx) => {
      const invoice = await paymentTarget(tx, ctx, invoiceId, true)
      const paidAt = new Date(Date.now() - (20 - i * 7) * 86_400_000)
      const gatewayPaymentId = gateway === 'stripe' ? `pi_demo${hex(10)}` : hex(8).toUpperCase().slice(0, 17)
      const [row] = await tx
        .insert(onlinePayments)
        .values({
          id: newId('opay'),
          workspaceId: ctx.workspaceId,
          gateway,
          invoiceId,
          invoiceNumber: invoice.number,
          clientId: invoice.clientId,
          amount: invoice.balance,
          currency: invoice.currency,
          origin: 'view_link',
          checkoutSessionId: gateway === 'stripe' ? `cs_demo${hex(12)}` : gatewayPaymentId,
          gatewayPaymentId,
          createdAt: paidAt,
        })
        .returning()
      // Stripe: 2.9 % + 30 cents; PayPal: 3.49 % + 49 cents.
      const fee =
        gateway === 'stripe'
          ? Math.round(invoice.balance * 0.029) + 30
          : Math.round(invoice.balance * 0.0349) + 49
      const state: PaymentState = {
        gatewayPaymentId,
        status: 'succeeded',
        amountReceived: invoice.balance,
        currency: invoice.currency,
        chargeId: gateway === 'stripe' ? `ch_demo${hex(10)}` : hex(8).toUpperCase(),
        balanceTransactionId: gateway === 'stripe' ? `txn_demo${hex(10)}` : null,
        fee,
        net: invoice.balance - fee,
        feeCurrency: invoice.currency,
        failureMessage: null,
        livemode: false,
        paidAt,
        metadata: { atrium_online_payment: row!.id },
        refunds: [],
        disputes: [],
      }
      await applyPaymentState(tx, deps, ctx, row!, state)
      await tx.update(onlinePayments).set({ createdAt: paidAt }).where(eq(onlinePayments.id, row!.id))
    })
  }
}
