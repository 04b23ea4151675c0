import { and, eq, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type {
  ConnectionTestSchema,
  Gateway,
  GatewayConnection,
  PayPalConnectionInputSchema,
  StripeConnectionInputSchema,
} from '../../../../contracts/payments.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { Problem, problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import type { PaymentsDeps } from './deps.ts'
import type { PaymentGateway } from './gateway.ts'
import { PayPalGateway, type PayPalSecrets } from './paypal.ts'
import { gatewayConnections } from './schema.ts'
import { mask, SecretKeyMissing } from './secrets.ts'
import { StripeGateway, type StripeSecrets } from './stripe.ts'

type Row = typeof gatewayConnections.$inferSelect
/** What opening a connection needs: the key ring and where the gateway's API is. */
export type GatewayDeps = Pick<PaymentsDeps, 'keys' | 'stripeApi' | 'paypalApi'>

/** The additional authenticated data of a workspace's sealed secrets: they open only on their own row. */
export const aadOf = (workspaceId: string, gateway: Gateway) => `payments:${workspaceId}:${gateway}`

export const webhookUrl = (appUrl: string, gateway: Gateway, workspaceId: string) =>
  `${appUrl}/webhooks/${gateway}/${workspaceId}`

function serialize(r: Row, appUrl: string): GatewayConnection {
  return {
    gateway: r.gateway,
    mode: r.mode,
    secrets: r.hints,
    accountId: r.accountId,
    status: r.status,
    lastCheckedAt: r.lastCheckedAt?.toISOString() ?? null,
    lastCheckMessage: r.lastCheckMessage,
    webhookUrl: webhookUrl(appUrl, r.gateway, r.workspaceId),
    updatedAt: r.updatedAt.toISOString(),
  }
}

/** What an audit entry shows of a connection: the masked hints, never a secret. */
const auditView = (r: Row) => ({ gateway: r.gateway, mode: r.mode, secrets: r.hints, keyId: r.keyId })

export async function listConnections(ctx: ServiceContext, deps: PaymentsDeps) {
  assertCan(ctx.actor, 'payments:gateways')
  const rows = await withWorkspace(ctx, (tx) =>
    tx.select().from(gatewayConnections).orderBy(gatewayConnections.gateway),
  )
  return { data: rows.map((r) => serialize(r, deps.appUrl)) }
}

export async function getConnection(ctx: ServiceContext, deps: PaymentsDeps, gateway: Gateway) {
  assertCan(ctx.actor, 'payments:gateways')
  const row = await withWorkspace(ctx, (tx) => loadRow(tx, gateway))
  if (!row) throw problems.notFound('Gateway connection')
  return serialize(row, deps.appUrl)
}

async function loadRow(tx: Tx, gateway: Gateway, lock = false) {
  const q = tx.select().from(gatewayConnections).where(eq(gatewayConnections.gateway, gateway))
  const [row] = lock ? await q.for('update') : await q
  return row ?? null
}

/** Connects Stripe (or replaces its keys): the secrets sealed, their masked hints kept for display. */
export async function saveStripe(
  ctx: ServiceContext,
  deps: PaymentsDeps,
  input: z.output<typeof StripeConnectionInputSchema>,
) {
  return saveConnection(ctx, deps, 'stripe', {
    secrets: input satisfies StripeSecrets,
    hints: { secretKey: mask(input.secretKey), webhookSecret: mask(input.webhookSecret) },
    mode: input.secretKey.includes('_live_') ? 'live' : 'test',
  })
}

/** Connects PayPal (or replaces its credentials): client id and secret, webhook id, live or sandbox. */
export async function savePayPal(
  ctx: ServiceContext,
  deps: PaymentsDeps,
  input: z.output<typeof PayPalConnectionInputSchema>,
) {
  const { clientId, clientSecret, webhookId } = input
  return saveConnection(ctx, deps, 'paypal', {
    secrets: { clientId, clientSecret, webhookId } satisfies PayPalSecrets,
    hints: { clientId: mask(clientId), clientSecret: mask(clientSecret), webhookId: mask(webhookId) },
    mode: input.mode === 'live' ? 'live' : 'test',
  })
}

/** Seals a gateway's secrets and keeps the connection (one per workspace and gateway), audited with the hints only. */
async function saveConnection(
  ctx: ServiceContext,
  deps: PaymentsDeps,
  gateway: Gateway,
  input: { secrets: object; hints: Record<string, string>; mode: 'test' | 'live' },
) {
  assertCan(ctx.actor, 'payments:gateways')
  const sealed = deps.keys.seal(JSON.stringify(input.secrets), aadOf(ctx.workspaceId, gateway))
  return withWorkspace(ctx, async (tx) => {
    const before = await loadRow(tx, gateway, true)
    const values = {
      keyId: sealed.keyId,
      ciphertext: sealed.ciphertext,
      hints: input.hints,
      mode: input.mode,
      accountId: null,
      status: 'untested' as const,
      lastCheckedAt: null,
      lastCheckMessage: null,
      updatedAt: sql`now()` as never,
    }
    const [after] = await tx
      .insert(gatewayConnections)
      .values({
        workspaceId: ctx.workspaceId,
        gateway,
        createdBy: ctx.actor.userId || null,
        ...values,
      })
      .onConflictDoUpdate({
        target: [gatewayConnections.workspaceId, gatewayConnections.gateway],
        set: values,
      })
      .returning()
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: before ? 'payment_gateway.updated' : 'payment_gateway.connected',
      targetType: 'payment_gateway',
      targetId: gateway,
      targetLabel: GATEWAY_LABELS[gateway],
      before: before ? auditView(before) : null,
      after: auditView(after!),
    })
    return serialize(after!, deps.appUrl)
  })
}

export async function removeConnection(ctx: ServiceContext, gateway: Gateway) {
  assertCan(ctx.actor, 'payments:gateways')
  await withWorkspace(ctx, async (tx) => {
    const before = await loadRow(tx, gateway, true)
    if (!before) throw problems.notFound('Gateway connection')
    await tx.delete(gatewayConnections).where(eq(gatewayConnections.gateway, gateway))
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'payment_gateway.disconnected',
      targetType: 'payment_gateway',
      targetId: gateway,
      targetLabel: GATEWAY_LABELS[gateway],
      before: auditView(before),
      after: null,
    })
  })
}

/** The gateway client of a connection row, its secrets opened. */
export function gatewayOf(row: Row, deps: GatewayDeps): PaymentGateway {
  let plain: string
  try {
    plain = deps.keys.open(
      { keyId: row.keyId, ciphertext: row.ciphertext },
      aadOf(row.workspaceId, row.gateway),
    )
  } catch (err) {
    if (!(err instanceof SecretKeyMissing)) throw err
    throw new Problem({
      status: 503,
      type: 'gateway-secrets-unreadable',
      title: 'Gateway secrets unreadable',
      detail:
        'The gateway secrets were encrypted with another SECRET_KEY: set it in SECRET_KEY_PREVIOUS and run `atrium payments rotate-key`.',
    })
  }
  if (row.gateway === 'stripe') return new StripeGateway(JSON.parse(plain) as StripeSecrets, deps.stripeApi)
  return new PayPalGateway(JSON.parse(plain) as PayPalSecrets, row.mode, deps.paypalApi)
}

export const GATEWAY_LABELS: Record<Gateway, string> = { stripe: 'Stripe', paypal: 'PayPal' }

/** The workspace's connected gateway for online payments (the one asked for, else Stripe first), or null. */
export async function connectedGateway(tx: Tx, deps: GatewayDeps, gateway?: Gateway) {
  const rows = await tx
    .select()
    .from(gatewayConnections)
    .where(gateway ? eq(gatewayConnections.gateway, gateway) : undefined)
    .orderBy(sql`${gatewayConnections.gateway} = 'stripe' desc`)
  const row = rows[0]
  return row ? { row, gateway: gatewayOf(row, deps) } : null
}

/** "Test connection": calls the gateway with the stored credentials and keeps what it answered. */
export async function testConnection(
  ctx: ServiceContext,
  deps: PaymentsDeps,
  gateway: Gateway,
): Promise<z.output<typeof ConnectionTestSchema>> {
  assertCan(ctx.actor, 'payments:gateways')
  const found = await withWorkspace(ctx, (tx) => connectedGateway(tx, deps, gateway))
  if (!found) throw problems.notFound('Gateway connection')
  const check = await found.gateway.test()
  await withWorkspace(ctx, async (tx) => {
    await tx
      .update(gatewayConnections)
      .set({
        status: check.ok ? 'ok' : 'failed',
        accountId: check.accountId ?? found.row.accountId,
        lastCheckedAt: sql`now()` as never,
        lastCheckMessage: check.message.slice(0, 500),
      })
      .where(and(eq(gatewayConnections.gateway, gateway)))
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'payment_gateway.tested',
      targetType: 'payment_gateway',
      targetId: gateway,
      targetLabel: gateway,
      after: { ok: check.ok, message: check.message, accountId: check.accountId },
    })
  })
  return check
}
