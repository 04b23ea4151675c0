import { sql } from 'drizzle-orm'
import { searchIndex } from '../../kernel/search/index.ts'
import { registerCustomFieldRecordType } from '../custom-fields/index.ts'
import { documents } from './schema.ts'
import { documentRecords } from './search.ts'

// Invoices have custom fields (`/api/v1/custom-fields?recordType=invoice`); reading them takes what
// reading invoices takes. A deleted field leaves drafts and sent invoices alike (values are not part
// of the frozen snapshot's totals).
registerCustomFieldRecordType({
  type: 'invoice',
  readPermission: 'invoices:read',
  async removeValues(tx, key) {
    const holders = await tx
      .update(documents)
      .set({ custom: sql`${documents.custom} - ${key}::text` })
      .where(sql`${documents.kind} = 'invoice' and jsonb_exists(${documents.custom}, ${key}::text)`)
      .returning({ id: documents.id })
    await searchIndex.update(
      tx,
      documentRecords.invoice,
      holders.map((h) => h.id),
    )
  },
})
