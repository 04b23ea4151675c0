import fastJson from 'fast-json-stringify'
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js'
import { serializerCompiler } from 'fastify-type-provider-zod'
import { type ZodType, z } from 'zod'

type JsonSchema = { [key: string]: unknown }

/** `anyOf: [X, {type: 'null'}]` as `X` with `nullable: true`, which fast-json-stringify writes without a validator. */
function withNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withNullable)
  if (!schema || typeof schema !== 'object') return schema
  const s = schema as JsonSchema
  const anyOf = s.anyOf as JsonSchema[] | undefined
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const other = anyOf.find((x) => x.type !== 'null')
    if (other && anyOf.some((x) => x.type === 'null'))
      return { ...(withNullable(other) as JsonSchema), nullable: true }
  }
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, withNullable(v)]))
}

/** A serializer writing exactly the properties of a zod response schema, compiled once. */
export function fastStringify(schema: ZodType): (data: unknown) => string {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' })
  return fastJson(withNullable(json) as Parameters<typeof fastJson>[0]) as (data: unknown) => string
}

/**
 * A route's `serializerCompiler` for hot read routes: 2xx answers are written by fast-json-stringify
 * from the route's zod response schema (only the declared properties, no validation pass: the
 * service builds the shape), about three times cheaper than validating a page of records with zod
 * first; other statuses go through the app's zod serializer as usual.
 */
export function fastSerializerCompiler<T>(route: FastifyRouteSchemaDef<T>): (data: unknown) => string {
  if (/^2\d\d$/.test(String(route.httpStatus ?? ''))) return fastStringify(route.schema as ZodType)
  return serializerCompiler(route as never)
}
