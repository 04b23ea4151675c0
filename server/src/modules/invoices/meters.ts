import { sql } from 'drizzle-orm'
import { type MeterDefinition, monthStart } from '../../kernel/entitlements/index.ts'

/** Invoices created this calendar month (UTC), against the plan's `invoicesPerMonth`. */
export const invoicesMeter: MeterDefinition = {
  key: 'invoicesPerMonth',
  label: 'Invoices this month',
  async count(tx, workspaceId) {
    const r = await tx.execute(
      sql`select count(*)::int as n from invoice_documents
           where workspace_id = ${workspaceId} and kind = 'invoice' and created_at >= ${monthStart().toISOString()}::timestamptz`,
    )
    return Number((r.rows[0] as { n: number } | undefined)?.n ?? 0)
  },
}
