import type { Tx } from '../../kernel/db/index.ts'
import { viewUrl } from './view-links.ts'

/**
 * Whether a workspace takes payments online is the payments module's to say; invoices only ask, in
 * their own transaction, when they write an email or a PDF for a client. The payments module
 * registers the question (`acceptOnlinePayments`) when it loads; without it, nothing offers to pay.
 */
type Accepts = (tx: Tx) => Promise<boolean>
let accepts: Accepts | null = null

export function acceptOnlinePayments(fn: Accepts) {
  accepts = fn
}

/**
 * The "Pay now" link of an invoice sent to a client: its view page's pay action (`?pay=now`), which
 * opens the gateway's checkout for the balance due when it is followed — so a link in an old email
 * never charges an old amount. Null for quotes, and when the workspace has no gateway.
 */
export async function payUrlOf(tx: Tx, appUrl: string, token: string, kind: string): Promise<string | null> {
  if (kind !== 'invoice' || !accepts || !(await accepts(tx))) return null
  return `${viewUrl(appUrl, token)}?pay=now`
}
