import { infiniteQueryOptions } from '@tanstack/react-query'
import { api, queryString } from '../../lib/api.ts'

export type AuditFilters = { actorId?: string; action?: string; from?: string; to?: string }

export type AuditEntry = {
  id: string
  actor: { id: string; name: string; email: string } | null
  action: string
  targetType: string | null
  targetId: string | null
  targetLabel: string | null
  ipAddress: string | null
  userAgent: string | null
  changes: { before: Record<string, unknown> | null; after: Record<string, unknown> | null } | null
  createdAt: string
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}

export function parseAuditFilters(search: Record<string, unknown>): AuditFilters {
  const from = text(search.from)
  const to = text(search.to)
  return {
    actorId: text(search.actorId),
    action: text(search.action),
    from: from && datePattern.test(from) ? from : undefined,
    to: to && datePattern.test(to) ? to : undefined,
  }
}

function localDayBoundary(date: string, end: boolean): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const value = end ? new Date(year, month - 1, day, 23, 59, 59, 999) : new Date(year, month - 1, day)
  return value.toISOString()
}

export function auditApiParams(filters: AuditFilters): Record<string, string | undefined> {
  return {
    actorId: filters.actorId,
    action: filters.action,
    from: filters.from ? localDayBoundary(filters.from, false) : undefined,
    to: filters.to ? localDayBoundary(filters.to, true) : undefined,
  }
}

export function auditExportUrl(filters: AuditFilters): string {
  return `/api/v1/audit-logs/export${queryString(auditApiParams(filters))}`
}

export const auditLogQuery = (filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: ['audit-logs', filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<{ data: AuditEntry[]; nextCursor: string | null }>(
        `/api/v1/audit-logs${queryString({ ...auditApiParams(filters), limit: 50, cursor: pageParam })}`,
        signal,
      ),
    getNextPageParam: (page) => page.nextCursor,
  })

export type ChangeRow = { key: string; before: unknown; after: unknown }

export function diffChanges(changes: AuditEntry['changes']): ChangeRow[] {
  const before = changes?.before ?? {}
  const after = changes?.after ?? {}
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  return keys
    .map((key) => ({ key, before: before[key], after: after[key] }))
    .filter((row) => JSON.stringify(row.before) !== JSON.stringify(row.after))
}

export function displayValue(value: unknown): string {
  if (value === undefined || value === null) return '—'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}
