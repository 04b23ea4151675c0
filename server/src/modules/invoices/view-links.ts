import { createHash, randomBytes } from 'node:crypto'
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { PublicDocument, ViewLink } from '../../../../contracts/invoice-view.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import type { Db, Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { auditTransition, type Deps, type DocumentRow, loadDocument, ref } from './documents.ts'
import type { RenderableDocument } from './render/document.ts'
import { renderableDocument } from './render.service.ts'
import { documents } from './schema.ts'

/**
 * View links: a sent quote or invoice is reached by its client at `/view/{token}` (the API answers at
 * `/api/v1/public/invoices/{token}`). The token is 256 random bits; only its SHA-256 is stored, so the
 * link is shown once, when it is made (on send, in the email, or on rotation). Revoking clears the
 * hash (the link answers 404); rotating replaces it (the old link answers 404).
 */
export type ViewableKind = 'invoice' | 'quote'

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')
export const newViewToken = () => randomBytes(32).toString('base64url')
export const viewUrl = (appUrl: string, token: string) => `${appUrl}/view/${token}`

/** Gives a document a new view token in the caller's transaction; returns the token (shown once). */
export async function setViewToken(tx: Tx, documentId: string): Promise<string> {
  const token = newViewToken()
  await tx
    .update(documents)
    .set({ viewTokenHash: hashToken(token) })
    .where(eq(documents.id, documentId))
  return token
}

async function loadSent(tx: Tx, ctx: ServiceContext, kind: ViewableKind, id: string): Promise<DocumentRow> {
  const d = await loadDocument(tx, ctx, kind, id, true)
  if (d.status === 'draft' || d.status === 'void')
    throw problems.conflict(`A ${d.status} document has no view link.`, 'status')
  return d
}

/** A new view link for a sent document; the previous link stops working. */
export async function rotateViewLink(
  ctx: ServiceContext,
  appUrl: string,
  kind: ViewableKind,
  id: string,
): Promise<ViewLink> {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadSent(tx, ctx, kind, id)
    const token = await setViewToken(tx, id)
    await auditTransition(tx, ctx, `${kind}.view_link_rotated`, null, null, labelOf(before))
    return { url: viewUrl(appUrl, token), token }
  })
}

/** Revokes a document's view link: it answers 404 until a new one is made. */
export async function revokeViewLink(ctx: ServiceContext, kind: ViewableKind, id: string): Promise<void> {
  assertCan(ctx.actor, 'invoices:write')
  await withWorkspace(ctx, async (tx) => {
    const before = await loadSent(tx, ctx, kind, id)
    if (!before.viewTokenHash) return
    await tx.update(documents).set({ viewTokenHash: null }).where(eq(documents.id, id))
    await auditTransition(tx, ctx, `${kind}.view_link_revoked`, null, null, labelOf(before))
  })
}

const labelOf = (d: DocumentRow) => ({ id: d.id, kind: d.kind, number: d.number, clientName: '' })

/**
 * The document behind a token, found across workspaces by the hash (a unique index; the table's
 * row-level security is enabled, not forced, so the owner connection reads it, as the sweep does).
 * Unknown, revoked and rotated tokens, drafts and voided documents answer 404 alike.
 */
export async function byToken(db: Db, token: string) {
  const [row] = await db
    .select({ id: documents.id, workspaceId: documents.workspaceId, kind: documents.kind })
    .from(documents)
    .where(
      and(
        eq(documents.viewTokenHash, hashToken(token)),
        inArray(documents.kind, ['invoice', 'quote']),
        sql`${documents.status} not in ('draft', 'void')`,
      ),
    )
  if (!row) throw problems.notFound('Document')
  return row as { id: string; workspaceId: string; kind: ViewableKind }
}

/** The viewer's context: the token's workspace, read as its system, audited as an anonymous viewer. */
export function viewerContext(db: Db, workspaceId: string, meta: AuditMeta): ServiceContext {
  return {
    db,
    workspaceId,
    actor: { userId: '', role: 'owner' },
    meta: { ...meta, actorId: null, actorLabel: 'Anonymous viewer (view link)' },
  }
}

/**
 * Opens a document by its view link: its public view. The first open sets `viewed_at` (and a sent
 * document's status to viewed), audits it with the anonymous viewer as the actor and emits
 * `invoice.viewed` / `quote.viewed`, in one transaction; later opens change nothing.
 */
export async function openByToken(
  deps: Deps,
  db: Db,
  token: string,
  meta: AuditMeta,
): Promise<{ view: PublicDocument; doc: RenderableDocument }> {
  const found = await byToken(db, token)
  const ctx = viewerContext(db, found.workspaceId, meta)
  const viewedAt = await withWorkspace(ctx, async (tx) => {
    const before = await loadDocument(tx, ctx, found.kind, found.id, true)
    if (before.viewTokenHash !== hashToken(token)) throw problems.notFound('Document')
    if (before.viewedAt) return before.viewedAt
    const [after] = await tx
      .update(documents)
      .set({
        viewedAt: sql`now()` as never,
        ...(before.status === 'sent' ? { status: 'viewed' } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(documents.id, before.id))
      .returning()
    await auditTransition(tx, ctx, `${found.kind}.viewed`, before, after!, after!)
    await deps.events.emit(tx, `${found.kind}.viewed`, ctx.workspaceId, ref(after!))
    return after!.viewedAt
  })
  const doc = await renderableDocument(ctx, found.kind, found.id)
  return { view: publicView(doc, viewedAt), doc }
}

/** What the public page shows of a renderable document. */
export function publicView(d: RenderableDocument, viewedAt: Date | null): PublicDocument {
  return {
    kind: d.kind as ViewableKind,
    number: d.number,
    status: d.status,
    issueDate: d.issueDate,
    dueDate: d.dueDate,
    poNumber: d.poNumber,
    currency: d.currency,
    seller: { name: d.seller.name, addressLines: d.seller.addressLines },
    buyer: { name: d.buyer.name },
    lines: d.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unit: l.unitName,
      unitPrice: l.unitPrice,
      discount: l.discount,
      net: l.net,
      tax: l.tax,
      total: l.total,
    })),
    totals: d.totals,
    notes: d.notes,
    terms: d.terms,
    paymentInstructions: d.paymentInstructions,
    viewedAt: viewedAt?.toISOString() ?? null,
  }
}
