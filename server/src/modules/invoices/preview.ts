import { eq, sql } from 'drizzle-orm'
import type { NextNumbers } from '../../../../contracts/invoice-summary.ts'
import type { DocumentKind } from '../../../../contracts/invoices.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'
import { today } from './documents.ts'
import { formatNumber, periodOf } from './numbering.ts'
import type { DocumentTemplate, RenderableDocument } from './render/document.ts'
import { sampleDocument } from './render/fixtures.ts'
import { renderPdf } from './render/lazy.ts'
import type { SellerDetails } from './render-map.ts'
import { loadSettings } from './settings.service.ts'

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows

/** The counter value each document type's next number takes, for each kind of reset, today. */
export async function nextNumbers(ctx: ServiceContext): Promise<NextNumbers> {
  assertCan(ctx.actor, 'invoices:read')
  const day = today()
  const periods = { yearly: periodOf('yearly', day), monthly: periodOf('monthly', day), never: '' }
  return withWorkspace(ctx, async (tx) => {
    const rows = rowsOf<{ kind: string; period: string; value: string }>(
      await tx.execute(sql`
        select kind, period, value::text as value from invoice_number_counters
        where period in (${periods.yearly}, ${periods.monthly}, '')`),
    )
    const value = (kind: string, period: string) =>
      Number(rows.find((r) => r.kind === kind && r.period === period)?.value ?? 0) + 1
    const of = (kind: DocumentKind) => ({
      yearly: value(kind, periods.yearly),
      monthly: value(kind, periods.monthly),
      never: value(kind, periods.never),
    })
    return { asOf: day, next: { invoice: of('invoice'), quote: of('quote'), credit_note: of('credit_note') } }
  })
}

/**
 * A sample invoice in a template, with the workspace's legal details, numbering, defaults and brand
 * colour, so a template can be chosen by looking at it. The lines and the client are examples.
 */
export async function previewPdf(
  ctx: ServiceContext,
  opts: { template?: DocumentTemplate | undefined; brandColor?: string | undefined },
): Promise<Buffer> {
  assertCan(ctx.actor, 'invoices:read')
  const day = today()
  const { settings, workspaceName, seq } = await withWorkspace(ctx, async (tx) => {
    const settings = await loadSettings(tx)
    const [ws] = await tx
      .select({ name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, ctx.workspaceId))
    const numbering = settings.numbering.invoice
    const period = periodOf(numbering?.reset ?? 'yearly', day)
    const [counter] = rowsOf<{ value: string }>(
      await tx.execute(
        sql`select value::text as value from invoice_number_counters where kind = 'invoice' and period = ${period}`,
      ),
    )
    return { settings, workspaceName: ws?.name ?? '', seq: Number(counter?.value ?? 0) + 1 }
  })
  const legal = settings.legal as SellerDetails
  const a = legal.address
  const sample = sampleDocument()
  const doc: RenderableDocument = {
    ...sample,
    number: formatNumber(settings.numbering.invoice?.pattern ?? 'INV-{YYYY}-{SEQ:5}', seq, day),
    issueDate: day,
    dueDate: new Date(Date.parse(`${day}T00:00:00Z`) + settings.paymentTermsDays * 86_400_000)
      .toISOString()
      .slice(0, 10),
    currency: settings.baseCurrency,
    locale: 'en',
    template: opts.template ?? (settings.template as DocumentTemplate),
    brandColor: opts.brandColor ?? settings.brandColor,
    seller: {
      name: legal.name || workspaceName || sample.seller.name,
      legalName: legal.legalName ?? null,
      addressLines: [
        a?.line1,
        a?.line2,
        [a?.postalCode, a?.city].filter(Boolean).join(' '),
        a?.region,
      ].filter((x): x is string => Boolean(x)),
      address: {
        line1: a?.line1 ?? '',
        line2: a?.line2 ?? null,
        city: a?.city ?? '',
        postalCode: a?.postalCode ?? '',
        region: a?.region ?? null,
        countryCode: (a?.countryCode ?? '').toUpperCase(),
      },
      taxId: legal.taxId ?? null,
      vatId: legal.vatId ?? null,
      registrationId: legal.registrationId ?? null,
      email: legal.email ?? null,
      phone: legal.phone ?? null,
      website: legal.website ?? null,
      logo: null,
      bank: legal.bank?.iban
        ? {
            accountName: legal.bank.accountName ?? null,
            iban: legal.bank.iban,
            bic: legal.bank.bic ?? null,
            bankName: legal.bank.bankName ?? null,
          }
        : null,
    },
    notes: settings.defaultNotes,
    terms: settings.defaultTerms,
    footer: settings.defaultFooter,
    paymentInstructions: settings.paymentInstructions,
    payUrl: null,
    viewUrl: null,
  }
  return renderPdf(doc)
}
