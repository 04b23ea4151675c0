import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { fastSerializerCompiler, fastStringify } from './fast-json.ts'

const Ref = z.object({ id: z.string(), name: z.string() }).meta({ id: 'FastRef' })
const Item = z.object({
  id: z.string(),
  count: z.number().int().nullable(),
  owner: Ref.nullable(),
  refs: z.array(Ref),
  custom: z.record(z.string(), z.unknown()),
  at: z.string().nullable(),
})
const Page = z.object({ data: z.array(Item), nextCursor: z.string().nullable() })

describe('fastStringify', () => {
  it('writes what JSON.stringify writes for the declared shape, nulls included', () => {
    const page = {
      data: [
        {
          id: 'a"\\\u2028',
          count: 3,
          owner: { id: 'u1', name: 'Ann' },
          refs: [{ id: 'u2', name: 'Bo' }],
          custom: { n: 1.5, list: ['x'], nested: { deep: null } },
          at: '2026-01-02T03:04:05.678Z',
        },
        { id: 'b', count: null, owner: null, refs: [], custom: {}, at: null },
      ],
      nextCursor: null,
    }
    expect(fastStringify(Page)(page)).toBe(JSON.stringify(page))
  })

  it('leaves out properties the schema does not declare', () => {
    const out = JSON.parse(
      fastStringify(Page)({
        data: [
          {
            id: 'a',
            count: 1,
            owner: { id: 'u', name: 'U', secret: 'x' },
            refs: [],
            custom: {},
            at: null,
            passwordHash: 'x',
          },
        ],
        nextCursor: 'c',
      }),
    )
    expect(out.data[0]).not.toHaveProperty('passwordHash')
    expect(out.data[0].owner).toEqual({ id: 'u', name: 'U' })
  })

  it('serializes non-2xx answers with the zod serializer', () => {
    const problem = z.object({ title: z.string() })
    const write = fastSerializerCompiler({ schema: problem, method: 'GET', url: '/x', httpStatus: '404' })
    expect(write({ title: 'Not found' })).toBe('{"title":"Not found"}')
    expect(() => write({ title: 1 })).toThrow()
  })
})
