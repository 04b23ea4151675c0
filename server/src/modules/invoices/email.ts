import { eq } from 'drizzle-orm'
import { formatMoney } from '../../../../contracts/money.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { MAIL_QUEUE, type MailMessage, renderEmail } from '../../kernel/mail/index.ts'
import { workspaces } from '../../kernel/tenancy/index.ts'
import { billingClient } from './documents.service.ts'
import type { DocumentRow } from './documents.ts'
import { viewUrl } from './view-links.ts'

export type SendEmailOptions = { email?: boolean; to?: string }

/**
 * The email that carries a sent quote or invoice to its client: its number, amount and date, and the
 * link to its public view page. It is enqueued on the mail queue inside the send's transaction, so it
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
  const msg: MailMessage = { to, ...documentEmail(doc, ws?.name ?? '', client.name, viewUrl(appUrl, token)) }
  await jobs.send(MAIL_QUEUE, msg, tx)
  return to
}

export function documentEmail(
  doc: Pick<DocumentRow, 'kind' | 'number' | 'total' | 'balance' | 'currency' | 'dueDate'>,
  workspaceName: string,
  clientName: string,
  url: string,
): Omit<MailMessage, 'to'> {
  const noun = doc.kind === 'quote' ? 'Quote' : 'Invoice'
  const amount = formatMoney(doc.kind === 'quote' ? doc.total : doc.balance, doc.currency)
  const lines =
    doc.kind === 'quote'
      ? [
          `${workspaceName} sent you quote ${doc.number} for ${amount}.`,
          ...(doc.dueDate ? [`It is valid until ${doc.dueDate}.`] : []),
        ]
      : [
          `${workspaceName} sent you invoice ${doc.number} for ${amount}.`,
          ...(doc.dueDate ? [`It is due on ${doc.dueDate}.`] : []),
        ]
  return renderEmail({
    subject: `${noun} ${doc.number} from ${workspaceName}`,
    greeting: `Hello ${clientName},`,
    lines,
    action: { label: `View ${noun.toLowerCase()}`, url },
    footer: `Sent by ${workspaceName} through Atrium.`,
  })
}
