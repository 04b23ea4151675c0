import { and, eq, gte, isNotNull } from 'drizzle-orm'
import { gateways } from '../../../../contracts/payments.ts'
import type { Db } from '../../kernel/db/index.ts'
import { withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'
import { connectedGateway, type GatewayDeps } from './connections.ts'
import type { PaymentGateway } from './gateway.ts'
import { onlinePayments, onlineRefunds } from './schema.ts'

export type Difference = {
  workspaceId: string
  gatewayPaymentId: string
  onlinePaymentId: string | null
  /** What differs: `unknown` (no record in Atrium), `not_paid`, `refunds`, `dispute`; `unreachable`: the gateway refused the listing. */
  kind: 'unknown' | 'not_paid' | 'refunds' | 'dispute' | 'unreachable'
  gateway: string
  atrium: string
}

/**
 * `atrium payments reconcile --days N`: lists the gateway's payments of the last N days made through
 * Atrium (our ids in their metadata) and reports each whose state differs from Atrium's records —
 * the safety net after an outage. It changes nothing: the gateway's retried webhooks (or a manual
 * resend from its dashboard) apply the differences through the one webhook path.
 */
export async function reconcile(db: Db, deps: GatewayDeps, days: number): Promise<Difference[]> {
  const since = new Date(Date.now() - days * 86_400_000)
  const out: Difference[] = []
  for (const { id: workspaceId } of await db.select({ id: workspaces.id }).from(workspaces)) {
    const scope = { db, workspaceId }
    for (const name of gateways) {
      const found = await withWorkspace(scope, (tx) => connectedGateway(tx, deps, name))
      if (!found) continue
      try {
        await compare(db, found.gateway, workspaceId, since, out)
      } catch (err) {
        out.push({
          workspaceId,
          gatewayPaymentId: '',
          onlinePaymentId: null,
          kind: 'unreachable',
          gateway: found.gateway.message(err),
          atrium: '',
        })
      }
    }
  }
  return out
}

/** The gateway's payments of the period, as it lists them, and those of Atrium's own attempts. */
async function* paymentsOf(db: Db, gateway: PaymentGateway, workspaceId: string, since: Date) {
  const seen = new Set<string>()
  for await (const id of gateway.listPayments(workspaceId, since)) {
    seen.add(id)
    yield id
  }
  const ours = await withWorkspace({ db, workspaceId }, (tx) =>
    tx
      .select({ id: onlinePayments.gatewayPaymentId })
      .from(onlinePayments)
      .where(
        and(
          eq(onlinePayments.gateway, gateway.name),
          gte(onlinePayments.createdAt, since),
          isNotNull(onlinePayments.gatewayPaymentId),
        ),
      ),
  )
  for (const { id } of ours) if (id && !seen.has(id)) yield id
}

async function compare(db: Db, gateway: PaymentGateway, workspaceId: string, since: Date, out: Difference[]) {
  const scope = { db, workspaceId }
  for await (const gatewayPaymentId of paymentsOf(db, gateway, workspaceId, since)) {
    const state = await gateway.paymentState(gatewayPaymentId)
    const ours = await withWorkspace(scope, async (tx) => {
      const [row] = await tx
        .select()
        .from(onlinePayments)
        .where(
          state.metadata.atrium_online_payment
            ? eq(onlinePayments.id, state.metadata.atrium_online_payment)
            : and(
                eq(onlinePayments.gateway, gateway.name),
                eq(onlinePayments.gatewayPaymentId, gatewayPaymentId),
              ),
        )
      const refunds = row
        ? await tx
            .select()
            .from(onlineRefunds)
            .where(and(eq(onlineRefunds.onlinePaymentId, row.id), eq(onlineRefunds.status, 'succeeded')))
        : []
      return row ? { row, refunded: refunds.reduce((n, r) => n + r.amount, 0) } : null
    })
    const base = { workspaceId, gatewayPaymentId, onlinePaymentId: ours?.row.id ?? null }
    if (!ours) {
      out.push({ ...base, kind: 'unknown', gateway: state.status, atrium: 'no record' })
      continue
    }
    if (state.status === 'succeeded' && !ours.row.paymentId)
      out.push({ ...base, kind: 'not_paid', gateway: 'succeeded', atrium: ours.row.status })
    const refunded = state.refunds.filter((r) => r.status === 'succeeded').reduce((n, r) => n + r.amount, 0)
    if (refunded !== ours.refunded)
      out.push({ ...base, kind: 'refunds', gateway: String(refunded), atrium: String(ours.refunded) })
    const d = [...state.disputes].sort((a, b) => b.created.getTime() - a.created.getTime())[0]
    const theirs = d ? (d.outcome === 'open' ? 'open' : d.outcome) : 'none'
    const mine = !ours.row.disputeStatus
      ? 'none'
      : ours.row.disputeStatus === 'won' || ours.row.disputeStatus === 'lost'
        ? ours.row.disputeStatus
        : 'open'
    if (theirs !== mine) out.push({ ...base, kind: 'dispute', gateway: theirs, atrium: mine })
  }
}
