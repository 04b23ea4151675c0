import { eq, sql } from 'drizzle-orm'
import { registerCustomFieldRecordType } from '../custom-fields/index.ts'
import { clientFacets, clients } from './schema.ts'
import { refreshSearchText } from './service.ts'

// Clients have custom fields; reading them takes what reading clients takes.
registerCustomFieldRecordType({
  type: 'client',
  readPermission: 'clients:read',
  async removeValues(tx, key) {
    await tx.delete(clientFacets).where(eq(clientFacets.key, `cf.${key}`))
    const holders = await tx
      .update(clients)
      .set({ custom: sql`${clients.custom} - ${key}::text` })
      .where(sql`jsonb_exists(${clients.custom}, ${key}::text)`)
      .returning({ id: clients.id })
    for (const h of holders) await refreshSearchText(tx, h.id)
  },
})
