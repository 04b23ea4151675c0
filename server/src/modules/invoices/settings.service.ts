import { eq, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { InvoiceSettingsInputSchema } from '../../../../contracts/invoices.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { defaultNumbering, patternProblem } from './numbering.ts'
import { invoiceSettings } from './schema.ts'

export type Settings = Omit<typeof invoiceSettings.$inferSelect, 'workspaceId' | 'updatedAt'> & {
  updatedAt: Date | null
}

/** What a workspace that never saved its settings uses. */
export const defaultSettings = (): Settings => ({
  baseCurrency: 'EUR',
  paymentTermsDays: 30,
  quoteValidDays: 30,
  numbering: structuredClone(defaultNumbering),
  defaultNotes: null,
  defaultTerms: null,
  defaultFooter: null,
  paymentInstructions: null,
  legal: {},
  template: 'classic',
  brandColor: '#1f4e79',
  reminders: { enabled: false, daysBefore: [], daysAfter: [] },
  updatedAt: null,
})

/** The workspace's invoice settings (defaults when never saved), in the caller's transaction. */
export async function loadSettings(tx: Tx): Promise<Settings> {
  const [row] = await tx.select().from(invoiceSettings)
  if (!row) return defaultSettings()
  const { workspaceId: _w, ...rest } = row
  return rest
}

export const serializeSettings = (s: Settings) => ({
  ...s,
  template: s.template as 'classic' | 'modern' | 'compact',
  updatedAt: s.updatedAt?.toISOString() ?? null,
})

export async function getSettings(ctx: ServiceContext) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => serializeSettings(await loadSettings(tx)))
}

/** Replaces the settings (owners and admins); a change is audited with its before and after. */
export async function saveSettings(ctx: ServiceContext, input: z.output<typeof InvoiceSettingsInputSchema>) {
  assertCan(ctx.actor, 'invoices:settings')
  const errors: FieldError[] = []
  for (const [kind, n] of Object.entries(input.numbering)) {
    const p = patternProblem(n.pattern, n.reset)
    if (p) errors.push({ field: `numbering.${kind}.pattern`, message: p })
  }
  if (errors.length) throw problems.validation(errors)
  return withWorkspace(ctx, async (tx) => {
    const [locked] = await tx
      .select()
      .from(invoiceSettings)
      .where(eq(invoiceSettings.workspaceId, ctx.workspaceId))
      .for('update')
    const before = locked ? await loadSettings(tx) : null
    const values = { ...input, numbering: input.numbering, legal: input.legal as Record<string, unknown> }
    const [row] = await tx
      .insert(invoiceSettings)
      .values({ workspaceId: ctx.workspaceId, ...values })
      .onConflictDoUpdate({ target: invoiceSettings.workspaceId, set: { ...values, updatedAt: sql`now()` } })
      .returning()
    const { workspaceId: _w, ...after } = row!
    const view = (s: Settings | null) => (s ? { ...serializeSettings(s), updatedAt: undefined } : null)
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'invoice_settings.updated',
      targetType: 'invoice_settings',
      targetId: ctx.workspaceId,
      targetLabel: 'Invoice settings',
      before: view(before),
      after: view(after),
    })
    return serializeSettings(after)
  })
}
