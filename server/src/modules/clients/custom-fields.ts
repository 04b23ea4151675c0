import { sql } from 'drizzle-orm'
import { searchIndex } from '../../kernel/search/index.ts'
import { registerCustomFieldRecordType } from '../custom-fields/index.ts'
import { clients } from './schema.ts'
import { clientRecords } from './search.ts'

// Clients have custom fields; reading them takes what reading clients takes.
registerCustomFieldRecordType({
  type: 'client',
  readPermission: 'clients:read',
  async removeValues(tx, key) {
    const holders = await tx
      .update(clients)
      .set({ custom: sql`${clients.custom} - ${key}::text` })
      .where(sql`jsonb_exists(${clients.custom}, ${key}::text)`)
      .returning({ id: clients.id })
    await searchIndex.update(
      tx,
      clientRecords,
      holders.map((h) => h.id),
    )
  },
})
