import { eq } from 'drizzle-orm'
import type { DocumentKind } from '../../../../contracts/invoices.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'
import { billingClient } from './documents.service.ts'
import { type DocumentView, loadDocument, loadLines, serializeDocument } from './documents.ts'
import type { RenderableDocument } from './render/document.ts'
import { type BuyerDetails, type RenderSource, type SellerDetails, toRenderable } from './render-map.ts'
import { loadSettings } from './settings.service.ts'

/**
 * A document as the renderers take it. A sent document renders from its frozen snapshot (what was
 * sent), with its live status and amount due; a draft from the current settings and client.
 */
export async function renderableDocument(
  ctx: ServiceContext,
  kind: DocumentKind,
  id: string,
): Promise<RenderableDocument> {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, (tx) => renderableIn(tx, ctx, kind, id))
}

/** `renderableDocument` in the caller's transaction (the send renders its email with it). */
export async function renderableIn(
  tx: Tx,
  ctx: ServiceContext,
  kind: DocumentKind,
  id: string,
): Promise<RenderableDocument> {
  {
    const d = await loadDocument(tx, ctx, kind, id)
    const [ws] = await tx
      .select({ name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, ctx.workspaceId))
    let credited: RenderSource['credited'] = null
    if (d.kind === 'credit_note' && d.invoiceId) {
      const inv = await loadDocument(tx, ctx, 'invoice', d.invoiceId)
      credited = { number: inv.number, issueDate: inv.issueDate }
    }
    const live = { status: d.status, paid: d.paid, balance: d.balance }
    const snap = d.snapshot as
      | (Omit<RenderSource, 'credited' | 'workspaceName'> & { document: DocumentView })
      | null
    if (snap) return toRenderable({ ...snap, credited, workspaceName: ws?.name ?? '' }, live)
    const settings = await loadSettings(tx)
    return toRenderable(
      {
        document: serializeDocument(d, await loadLines(tx, id)),
        seller: settings.legal as SellerDetails,
        buyer: (await billingClient(tx, ctx, d.clientId)) as BuyerDetails,
        template: settings.template,
        brandColor: settings.brandColor,
        paymentInstructions: settings.paymentInstructions,
        credited,
        workspaceName: ws?.name ?? '',
      },
      live,
    )
  }
}
