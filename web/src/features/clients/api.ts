import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import type { z } from 'zod'
import {
  clientKinds,
  clientStatuses,
  customFieldTypes,
  duplicateModes,
  importTargets,
} from '../../../../contracts/client-values.ts'
import type {
  ActivitySchema,
  BulkActionSchema,
  ClientSchema,
  ContactSchema,
  CreateClientSchema,
  CreateContactSchema,
  CreateCustomFieldSchema,
  CustomFieldSchema,
  DuplicateModeSchema,
  ImportMappingSchema,
  ImportSchema,
  SavedViewSchema,
  UpdateClientSchema,
  UpdateContactSchema,
  UpdateCustomFieldSchema,
} from '../../../../contracts/clients.ts'
import { api, queryString } from '../../lib/api.ts'

export type Client = z.output<typeof ClientSchema>
export type ClientStatus = Client['status']
export type ClientKind = Client['kind']
export type Address = NonNullable<Client['billingAddress']>
export type CreateClient = z.input<typeof CreateClientSchema>
export type UpdateClient = z.input<typeof UpdateClientSchema>
export type Contact = z.output<typeof ContactSchema>
export type CreateContact = z.input<typeof CreateContactSchema>
export type UpdateContact = z.input<typeof UpdateContactSchema>
export type CustomField = z.output<typeof CustomFieldSchema>
export type CustomFieldType = CustomField['type']
export type CreateCustomField = z.input<typeof CreateCustomFieldSchema>
export type UpdateCustomField = z.input<typeof UpdateCustomFieldSchema>
export type SavedView = z.output<typeof SavedViewSchema>
export type ClientActivity = z.output<typeof ActivitySchema>
export type BulkAction = z.input<typeof BulkActionSchema>
export type BulkActionName = BulkAction['action']
export type ClientImport = z.output<typeof ImportSchema>
export type ImportMapping = z.output<typeof ImportMappingSchema>
export type DuplicateMode = z.output<typeof DuplicateModeSchema>
type Page<T> = { data: T[]; nextCursor: string | null }

export { clientKinds, clientStatuses, customFieldTypes, duplicateModes, importTargets }
export type ImportTarget = (typeof importTargets)[number]

/** Custom field types a list can be filtered on, and how. */
export const filterableTypes = {
  select: 'option',
  multi_select: 'option',
  checkbox: 'boolean',
  number: 'range',
  money: 'range',
  date: 'range',
} as const satisfies Partial<Record<CustomFieldType, 'option' | 'boolean' | 'range'>>
export const sortableTypes: readonly CustomFieldType[] = [
  'text',
  'number',
  'money',
  'date',
  'select',
  'checkbox',
]

// ---- the list view, as URL search params ---------------------------------------------------------

/**
 * A client view as it sits in the URL: the list's query parameters, with dates as YYYY-MM-DD in the
 * viewer's time zone and custom field filters as `cf.<key>`, `cf.<key>.min`, `cf.<key>.max`.
 */
export type ClientSearch = {
  q?: string
  status?: string
  tag?: string
  tagMatch?: 'any'
  owner?: string
  assignee?: string
  createdFrom?: string
  createdTo?: string
  updatedFrom?: string
  updatedTo?: string
  sort?: string
  /** `board` shows the view as a board grouped by `group` (`status` or `cf.<key>` of a select field). */
  layout?: 'board'
  group?: string
  [custom: `cf.${string}`]: string | undefined
}

export const filterKeys = [
  'status',
  'tag',
  'owner',
  'assignee',
  'createdFrom',
  'createdTo',
  'updatedFrom',
  'updatedTo',
] as const
const dateKeys = new Set(['createdFrom', 'createdTo', 'updatedFrom', 'updatedTo'])
const datePattern = /^\d{4}-\d{2}-\d{2}$/
const customKeyPattern = /^cf\.[a-z][a-z0-9_]{0,39}(\.(min|max))?$/
const sortPattern = /^-?(created|updated|name|cf\.[a-z][a-z0-9_]{0,39})$/

function text(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return text(value.map((v) => String(v)).join(','))
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}

export function parseClientSearch(search: Record<string, unknown>): ClientSearch {
  const result: ClientSearch = {}
  const q = text(search.q)
  if (q) result.q = q.slice(0, 100)
  for (const key of filterKeys) {
    const value = text(search[key])
    if (!value) continue
    if (dateKeys.has(key) && !datePattern.test(value)) continue
    result[key] = value
  }
  const sort = text(search.sort)
  if (sort && sortPattern.test(sort)) result.sort = sort
  if (text(search.tagMatch) === 'any') result.tagMatch = 'any'
  if (text(search.layout) === 'board') result.layout = 'board'
  const group = text(search.group)
  if (group && /^(status|cf\.[a-z][a-z0-9_]{0,39})$/.test(group)) result.group = group
  for (const [key, raw] of Object.entries(search)) {
    if (!customKeyPattern.test(key)) continue
    const value = text(raw)
    if (value) result[key as `cf.${string}`] = value
  }
  return result
}

/** The search params as plain strings: what a saved view stores. */
export function searchToQuery(search: ClientSearch): Record<string, string> {
  const query: Record<string, string> = {}
  for (const [key, value] of Object.entries(search)) if (value) query[key] = value
  return query
}

export function sameView(a: ClientSearch, b: ClientSearch): boolean {
  const norm = (s: ClientSearch) => JSON.stringify(Object.entries(searchToQuery(s)).sort())
  return norm(a) === norm(b)
}

/** Parameters that shape how a view looks, not which clients it holds. */
export const viewShapeKeys = new Set(['q', 'sort', 'layout', 'group', 'tagMatch'])

/** How many filters (not the search text, sort or layout) a view applies. */
export function activeFilterCount(search: ClientSearch): number {
  return Object.keys(searchToQuery(search)).filter((key) => !viewShapeKeys.has(key)).length
}

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
}

function localDayBoundary(date: string, end: boolean): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const value = end ? new Date(year, month - 1, day, 23, 59, 59, 999) : new Date(year, month - 1, day)
  return value.toISOString()
}

/** The filters of a view as API query parameters (dates become instants of the viewer's days). */
export function clientFilterParams(search: ClientSearch): Record<string, string> {
  const params: Record<string, string> = {}
  for (const [key, value] of Object.entries(search)) {
    if (!value || key === 'sort' || key === 'layout' || key === 'group') continue
    if (dateKeys.has(key)) params[key] = localDayBoundary(value, key.endsWith('To'))
    else params[key] = value
  }
  return params
}

export function clientsExportUrl(search: ClientSearch): string {
  return `/api/v1/clients/export${queryString({ ...clientFilterParams(search), sort: search.sort })}`
}

// ---- queries -----------------------------------------------------------------------------------

const id = (value: string) => encodeURIComponent(value)
export const clientsKey = ['clients'] as const
export const pageSize = 50

export const clientListQuery = (search: ClientSearch) => {
  const params = clientFilterParams(search)
  return infiniteQueryOptions({
    queryKey: ['clients', 'list', params, search.sort ?? null],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Client>>(
        `/api/v1/clients${queryString({ ...params, sort: search.sort, limit: pageSize, cursor: pageParam })}`,
        signal,
      ),
    getNextPageParam: (page) => page.nextCursor,
  })
}

export const clientCountQuery = (search: ClientSearch) => {
  const params = clientFilterParams(search)
  return queryOptions({
    queryKey: ['clients', 'count', params],
    queryFn: ({ signal }) =>
      api.get<{ count: number }>(`/api/v1/clients/count${queryString(params)}`, signal),
  })
}

export const clientTagsQuery = queryOptions({
  queryKey: ['clients', 'tags'],
  queryFn: ({ signal }) =>
    api.get<{ data: { tag: string; count: number }[] }>('/api/v1/clients/tags', signal),
  select: (result) => result.data,
})

export const savedViewsQuery = queryOptions({
  queryKey: ['clients', 'views'],
  queryFn: ({ signal }) => api.get<{ data: SavedView[] }>('/api/v1/clients/views', signal),
  select: (result) => result.data,
})

export const clientQuery = (clientId: string) =>
  queryOptions({
    queryKey: ['clients', 'detail', clientId],
    queryFn: ({ signal }) => api.get<Client>(`/api/v1/clients/${id(clientId)}`, signal),
  })

export const contactsQuery = (clientId: string) =>
  queryOptions({
    queryKey: ['clients', 'detail', clientId, 'contacts'],
    queryFn: ({ signal }) =>
      api.get<Page<Contact>>(
        `/api/v1/clients/${id(clientId)}/contacts${queryString({ limit: 100 })}`,
        signal,
      ),
    select: (result) => result.data,
  })

export const activityQuery = (clientId: string) =>
  infiniteQueryOptions({
    queryKey: ['clients', 'detail', clientId, 'activity'],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<ClientActivity>>(
        `/api/v1/clients/${id(clientId)}/activity${queryString({ limit: 25, cursor: pageParam })}`,
        signal,
      ),
    getNextPageParam: (page) => page.nextCursor,
  })

export const customFieldsQuery = queryOptions({
  queryKey: ['custom-fields'],
  queryFn: ({ signal }) => api.get<{ data: CustomField[] }>('/api/v1/custom-fields', signal),
  select: (result) => [...result.data].sort((a, b) => a.position - b.position),
})

export const importQuery = (importId: string) =>
  queryOptions({
    queryKey: ['client-imports', importId],
    queryFn: ({ signal }) => api.get<ClientImport>(`/api/v1/clients/import/${id(importId)}`, signal),
  })

export const importErrorsUrl = (importId: string) => `/api/v1/clients/import/${id(importId)}/errors`

// ---- mutations ---------------------------------------------------------------------------------

export const clientsApi = {
  create: (input: CreateClient) => api.post<Client>('/api/v1/clients', input),
  update: ({ clientId, input }: { clientId: string; input: UpdateClient }) =>
    api.patch<Client>(`/api/v1/clients/${id(clientId)}`, input),
  remove: (clientId: string) => api.delete(`/api/v1/clients/${id(clientId)}`),
  archive: (clientId: string) => api.post<Client>(`/api/v1/clients/${id(clientId)}/archive`, {}),
  restore: (clientId: string) => api.post<Client>(`/api/v1/clients/${id(clientId)}/restore`, {}),
  bulk: (input: BulkAction) => api.post<{ affected: number }>('/api/v1/clients/bulk', input),
  createView: (input: { name: string; query: Record<string, string>; display: SavedView['display'] }) =>
    api.post<SavedView>('/api/v1/clients/views', input),
  deleteView: (viewId: string) => api.delete(`/api/v1/clients/views/${id(viewId)}`),
  createContact: ({ clientId, input }: { clientId: string; input: CreateContact }) =>
    api.post<Contact>(`/api/v1/clients/${id(clientId)}/contacts`, input),
  updateContact: ({
    clientId,
    contactId,
    input,
  }: {
    clientId: string
    contactId: string
    input: UpdateContact
  }) => api.patch<Contact>(`/api/v1/clients/${id(clientId)}/contacts/${id(contactId)}`, input),
  deleteContact: ({ clientId, contactId }: { clientId: string; contactId: string }) =>
    api.delete(`/api/v1/clients/${id(clientId)}/contacts/${id(contactId)}`),
  createField: (input: CreateCustomField) => api.post<CustomField>('/api/v1/custom-fields', input),
  updateField: ({ fieldId, input }: { fieldId: string; input: UpdateCustomField }) =>
    api.patch<CustomField>(`/api/v1/custom-fields/${id(fieldId)}`, input),
  deleteField: (fieldId: string) => api.delete(`/api/v1/custom-fields/${id(fieldId)}`),
  uploadImport: (file: File) =>
    api.upload<ClientImport>(
      `/api/v1/clients/import${queryString({ filename: file.name })}`,
      new Blob([file], { type: 'text/csv' }),
    ),
  checkImport: ({ importId, mapping, duplicates }: { importId: string } & ImportOptions) =>
    api.post<ClientImport>(`/api/v1/clients/import/${id(importId)}/check`, { mapping, duplicates }),
  runImport: ({ importId, mapping, duplicates }: { importId: string } & ImportOptions) =>
    api.post<ClientImport>(`/api/v1/clients/import/${id(importId)}/run`, { mapping, duplicates }),
}

export type ImportOptions = { mapping: ImportMapping; duplicates: DuplicateMode }

// ---- money -------------------------------------------------------------------------------------

/** Minor units and currency digits, shared with the server. */
export { currencyDigits, fromMinorUnits, toMinorUnits } from '../../../../contracts/money.ts'
