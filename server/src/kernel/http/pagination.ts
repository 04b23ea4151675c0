import { z } from 'zod'
import { problems } from './problem.ts'

export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size (1–200).'),
  cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page.'),
}

export type Cursor = { t: string; id: string }

/** Keyset cursors over (created_at, id): stable while rows are added. */
export function encodeCursor(createdAt: Date | string, id: string): string {
  const t = typeof createdAt === 'string' ? createdAt : createdAt.toISOString()
  return Buffer.from(JSON.stringify({ t, id })).toString('base64url')
}

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (!cursor) return undefined
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (
      typeof v?.t === 'string' &&
      typeof v?.id === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(v.t) &&
      !v.t.startsWith('0000') &&
      !Number.isNaN(Date.parse(v.t)) &&
      /^([a-z]{2,8}_[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(v.id)
    )
      return { t: v.t, id: v.id }
  } catch {}
  throw problems.badRequest('The cursor is not valid.', 'cursor')
}

export function page<T extends { id: string; createdAt: Date | string }>(rows: T[], limit: number) {
  const hasMore = rows.length > limit
  const data = hasMore ? rows.slice(0, limit) : rows
  const last = data[data.length - 1]
  return { data, nextCursor: hasMore && last ? encodeCursor(last.createdAt, last.id) : null }
}
