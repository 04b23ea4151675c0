import { sql } from 'drizzle-orm'
import { can } from '../../kernel/access/index.ts'
import { registerTimelineRecordType } from '../timeline/index.ts'
import { visibleTo } from './service.ts'

// Clients have a timeline; a member sees the timeline of the clients they may see, and no other.
registerTimelineRecordType({
  type: 'client',
  noun: 'Client',
  async visible(tx, ctx, ids) {
    if (!ids.length || !can(ctx.actor, 'clients:read')) return new Map()
    const vis = visibleTo(ctx as Parameters<typeof visibleTo>[0])
    const r = await tx.execute(
      sql`select c.id, c.name from clients c where c.id in (${sql.join(
        ids.map((i) => sql`${i}`),
        sql`, `,
      )})${vis ? sql` and ${vis}` : sql``}`,
    )
    return new Map((r as unknown as { rows: { id: string; name: string }[] }).rows.map((c) => [c.id, c.name]))
  },
  path: (id) => `/clients/${id}`,
})
