import { describe, expect, it } from 'vitest'
import { newId } from './ids.ts'

describe('newId', () => {
  it('makes prefixed UUIDv7s, unique and in creation order even within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('cli'))
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^cli_[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
    // The first 48 bits are the time of creation.
    const ms = Number.parseInt(ids[0]!.slice(4, 16), 16)
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000)
  })
})
