import type { FastifyInstance } from 'fastify'
import type { Client } from './harness.ts'

/**
 * The app's own route table, read from its OpenAPI document, so tests generated from it cover every
 * route a module adds without anyone listing routes.
 */
export type JsonSchema = {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  format?: string
  minimum?: number
  exclusiveMinimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  pattern?: string
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  $ref?: string
  default?: unknown
  additionalProperties?: boolean | JsonSchema
  propertyNames?: JsonSchema
}

export type Param = { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }

export type Operation = {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  /** OpenAPI template, e.g. /api/v1/clients/{id}. */
  path: string
  params: Param[]
  /** JSON body schema, when the operation takes JSON. */
  body: JsonSchema | null
  /** Media types the body may have (JSON, CSV...). */
  bodyTypes: string[]
}

type Doc = {
  paths: Record<string, Record<string, any>>
  components?: { schemas?: Record<string, JsonSchema> }
}

export function routeTable(app: FastifyInstance, filter = (p: string) => p.startsWith('/api/v1/')) {
  const doc = app.swagger() as unknown as Doc
  const schemas = doc.components?.schemas ?? {}
  const resolve = (s: JsonSchema | undefined): JsonSchema => {
    let cur = s ?? {}
    for (let i = 0; cur.$ref && i < 10; i++) cur = schemas[cur.$ref.split('/').pop()!] ?? {}
    return cur
  }
  const ops: Operation[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!filter(path)) continue
    for (const [method, op] of Object.entries(methods)) {
      const m = method.toUpperCase()
      if (!['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(m)) continue
      const params: Param[] = (op.parameters ?? [])
        .filter((p: any) => p.in === 'path' || p.in === 'query')
        .map((p: any) => ({ name: p.name, in: p.in, required: !!p.required, schema: resolve(p.schema) }))
      const content = op.requestBody?.content ?? {}
      const json = content['application/json']?.schema
      ops.push({
        method: m as Operation['method'],
        path,
        params,
        body: json ? resolve(json) : null,
        bodyTypes: Object.keys(content),
      })
    }
  }
  // Reads first, then creations, changes, and deletions last, so later calls still find data.
  const order = { GET: 0, POST: 1, PUT: 2, PATCH: 2, DELETE: 3 }
  ops.sort((a, b) => order[a.method] - order[b.method] || a.path.localeCompare(b.path))
  return { ops, resolve }
}

/** A value that satisfies the schema, as far as a schema says. */
export function sample(
  schema: JsonSchema,
  resolve: (s: JsonSchema) => JsonSchema,
  key = '',
  depth = 0,
): unknown {
  const s = resolve(schema)
  if (depth > 6) return undefined
  if (s.const !== undefined) return s.const
  if (s.default !== undefined) return s.default
  if (s.enum?.length) return s.enum[0]
  const alt = s.anyOf ?? s.oneOf
  if (alt?.length) {
    const pick = alt.map(resolve).find((a) => a.type !== 'null') ?? alt[0]!
    return sample(pick, resolve, key, depth + 1)
  }
  if (s.allOf?.length) return sample(s.allOf[0]!, resolve, key, depth + 1)
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const name of s.required ?? []) {
        const v = sample(s.properties?.[name] ?? {}, resolve, name, depth + 1)
        if (v !== undefined) out[name] = v
      }
      return out
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items ?? {}, resolve, key, depth + 1))
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, (s.exclusiveMinimum ?? 0) + 1)
    case 'boolean':
      return true
    case 'string':
      return sampleString(s, key)
    default:
      return undefined
  }
}

let n = 0
function sampleString(s: JsonSchema, key: string): string {
  n++
  if (s.format === 'email' || /email/i.test(key)) return `probe${n}@example.com`
  if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000'
  if (s.format === 'date-time') return '2026-06-01T12:00:00.000Z'
  if (s.format === 'date') return '2026-06-01'
  if (s.format === 'uri' || /url|website/i.test(key)) return 'https://example.com'
  if (/currency/i.test(key)) return 'EUR'
  const base = `Probe ${key || 'value'} ${n}`
  return base.slice(0, Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 40, base.length)))
}

/** Fills a template's path parameters. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(values[name] ?? 'missing'))
}

export function withQuery(url: string, query: Record<string, string>): string {
  const qs = new URLSearchParams(query).toString()
  return qs ? `${url}?${qs}` : url
}

/** Every string under a key named `id` (or ending in `Id`) in a JSON value. */
export function collectIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) collectIds(v, into)
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'id' || /Id$/.test(k)) && typeof v === 'string') into.add(v)
      else collectIds(v, into)
    }
  }
  return into
}

/** What a type of id looks like: its prefix (`cli`), or `uuid`. */
export const idKind = (id: string) => (/^[a-z]+_/.test(id) ? id.split('_')[0]! : 'uuid')

/**
 * Ids a path parameter can take: the ids listed by the collection the parameter sits under
 * (`/clients/{id}/contacts/{contactId}` → ids of `GET /clients`, then of `GET /clients/{id}/contacts`).
 */
export async function idsUnder(
  client: Client,
  ops: Operation[],
  template: string,
  param: string,
  known: Record<string, string>,
): Promise<string[]> {
  const at = template.indexOf(`{${param}}`)
  const collection = template.slice(0, at).replace(/\/$/, '')
  const list = ops.find((o) => o.method === 'GET' && o.path === collection)
  if (!list) return []
  const res = await client.get(fillPath(collection, known))
  if (res.statusCode !== 200) return []
  const data = (res.json() as { data?: unknown }).data ?? res.json()
  return Array.isArray(data)
    ? data.map((r) => (r as { id?: unknown }).id).filter((x): x is string => typeof x === 'string')
    : []
}

/** The properties of a body schema (of its first object alternative when it is a union). */
export function fieldsOf(
  schema: JsonSchema,
  resolve: (s: JsonSchema) => JsonSchema,
): Record<string, JsonSchema> {
  const s = resolve(schema)
  if (s.properties) return s.properties
  for (const alt of s.anyOf ?? s.oneOf ?? s.allOf ?? []) {
    const props = resolve(alt).properties
    if (props) return props
  }
  return {}
}

/**
 * Real values for an operation's path parameters, as `client` sees them: an id from the collection
 * above each parameter, else the first value of an enum (`recordType`), else `fallback`.
 */
export async function pathIds(
  client: Client,
  table: { ops: Operation[]; resolve: (s: JsonSchema) => JsonSchema },
  op: Operation,
  fallback: string | null = 'x',
): Promise<Record<string, string> | null> {
  const known: Record<string, string> = {}
  for (const p of op.params.filter((x) => x.in === 'path')) {
    const enumValue = table.resolve(p.schema).enum?.[0]
    const value =
      (await idsUnder(client, table.ops, op.path, p.name, known))[0] ??
      (typeof enumValue === 'string' ? enumValue : fallback)
    if (value === null) return null
    known[p.name] = value
  }
  return known
}

/** Required query parameters with sample values. */
export function requiredQuery(op: Operation, resolve: (s: JsonSchema) => JsonSchema): Record<string, string> {
  const q: Record<string, string> = {}
  for (const p of op.params.filter((x) => x.in === 'query' && x.required))
    q[p.name] = String(sample(p.schema, resolve, p.name))
  return q
}

/** Creating routes that act on the caller rather than create data; a fixture does not call them. */
const NOT_A_CREATE = /invitation-tokens|revoke|transfer|bulk|active-workspace|deletion|workspaces$/

/**
 * Data in every module: each creating operation (a POST with a JSON body) is called once with a valid
 * sample body, `name` fields prefixed with `mark` so the data can be recognised in answers.
 */
export async function createOneOfEach(
  client: Client,
  table: { ops: Operation[]; resolve: (s: JsonSchema) => JsonSchema },
  mark = '',
): Promise<void> {
  for (const op of table.ops.filter((o) => o.method === 'POST' && o.body && !NOT_A_CREATE.test(o.path))) {
    const ids = (await pathIds(client, table, op))!
    const body = sample(op.body!, table.resolve) as Record<string, unknown>
    if (mark && typeof body.name === 'string') body.name = `${mark} ${body.name}`
    await client.request({
      method: 'POST',
      url: withQuery(fillPath(op.path, ids), requiredQuery(op, table.resolve)),
      payload: body,
    })
  }
}
