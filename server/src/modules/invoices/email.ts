import { eq } from 'drizzle-orm'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { MAIL_QUEUE, type MailMessage } from '../../kernel/mail/index.ts'
import { workspaces } from '../../kernel/tenancy/index.ts'
import { billingClient } from './documents.service.ts'
import type { DocumentRow } from './documents.ts'
import { payUrlOf } from './online-pay.ts'
import { renderDocumentEmail, renderPdf } from './render/lazy.ts'
import { renderableIn } from './render.service.ts'
import { viewUrl } from './view-links.ts'

export type SendEmailOptions = { email?: boolean; to?: string }

/**
 * The email that carries a sent quote or invoice to its client, built by the render folder's template
 * (React Email, HTML and plain text) from what was sent, with the link to its public view page and the PDF attached. It is enqueued on the mail queue inside the send's transaction, so it
 * goes out exactly when the send commits, and once: a document leaves draft only once, and a send
 * that rolls back enqueues nothing. Returns the recipient, or null when no email was asked for.
 */
export async function enqueueDocumentEmail(
  tx: Tx,
  jobs: Pick<Jobs, 'send'>,
  ctx: ServiceContext,
  appUrl: string,
  doc: DocumentRow,
  token: string,
  opts: SendEmailOptions,
): Promise<string | null> {
  if (!opts.email && !opts.to) return null
  const client = await billingClient(tx, ctx, doc.clientId)
  const to = opts.to ?? client.email
  if (!to) throw problems.badRequest('is required: the client has no email address', 'to')
  const [ws] = await tx
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, ctx.workspaceId))
  const renderable = await renderableIn(tx, ctx, doc.kind, doc.id)
  renderable.payUrl = await payUrlOf(tx, appUrl, token, doc.kind)
  const email = await renderDocumentEmail(
    renderable,
    { workspaceName: ws?.name ?? '', brandColor: renderable.brandColor, logoUrl: null },
    viewUrl(appUrl, token),
  )
  const pdf = await renderPdf(renderable)
  const msg: MailMessage = {
    to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    attachments: [
      {
        filename: `${(doc.number ?? 'document').replace(/[^\w.-]+/g, '-')}.pdf`,
        contentType: 'application/pdf',
        content: pdf.toString('base64'),
      },
    ],
  }
  await jobs.send(MAIL_QUEUE, msg, tx)
  return to
}
