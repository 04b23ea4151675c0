import { describe, expect, it } from 'vitest'
import {
  coerceValue,
  displayValue,
  encodeNumber,
  type FieldDef,
  facetFilterValue,
  validateCustomValues,
} from './fields.ts'

const def = (type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef => ({
  key: 'f',
  label: 'F',
  type,
  required: false,
  defaultValue: null,
  options: [],
  ...extra,
})

describe('custom field values', () => {
  it('accepts and normalises each type', () => {
    expect(coerceValue(def('text'), '  hi ')).toEqual({ ok: true, value: 'hi' })
    expect(coerceValue(def('number'), 3.5)).toEqual({ ok: true, value: 3.5 })
    expect(coerceValue(def('number'), '3.5', true)).toEqual({ ok: true, value: 3.5 })
    expect(coerceValue(def('money'), 1250)).toEqual({ ok: true, value: 1250 })
    expect(coerceValue(def('money'), '12.5', true)).toEqual({ ok: true, value: 1250 })
    expect(coerceValue(def('money'), '-0.05', true)).toEqual({ ok: true, value: -5 })
    expect(coerceValue(def('money'), '1,234.56', true)).toEqual({ ok: true, value: 123456 })
    expect(coerceValue(def('date'), '2024-02-29')).toEqual({ ok: true, value: '2024-02-29' })
    expect(coerceValue(def('select', { options: ['Gold'] }), 'gold')).toEqual({ ok: true, value: 'Gold' })
    expect(coerceValue(def('multi_select', { options: ['a', 'b'] }), 'b; A', true)).toEqual({
      ok: true,
      value: ['b', 'a'],
    })
    expect(coerceValue(def('checkbox'), 'yes', true)).toEqual({ ok: true, value: true })
    expect(coerceValue(def('url'), 'https://example.com/x')).toEqual({
      ok: true,
      value: 'https://example.com/x',
    })
    expect(coerceValue(def('email'), 'A@B.CO')).toEqual({ ok: true, value: 'a@b.co' })
    expect(coerceValue(def('text'), '')).toEqual({ ok: true, value: null })
  })

  it('rejects wrong types with a reason', () => {
    const bad: [FieldDef, unknown][] = [
      [def('text'), 5],
      [def('text'), 'x'.repeat(501)],
      [def('number'), '5'],
      [def('number'), Number.NaN],
      [def('money'), 12.5],
      [def('money'), '12.345', true] as never,
      [def('date'), '2023-02-29'],
      [def('date'), '29/02/2024'],
      [def('select', { options: ['a'] }), 'b'],
      [def('multi_select', { options: ['a'] }), ['a', 'z']],
      [def('checkbox'), 'yes'],
      [def('url'), 'ftp://example.com'],
      [def('url'), 'javascript:alert(1)'],
      [def('email'), 'nope'],
    ]
    for (const [d, v] of bad) expect(coerceValue(d, v).ok, `${d.type} ${String(v)}`).toBe(false)
    expect(coerceValue(def('money'), '12.345', true).ok).toBe(false)
  })

  it('applies defaults and required rules on create and update', () => {
    const defs = [
      def('text', { key: 'a', required: true }),
      def('checkbox', { key: 'b', defaultValue: true }),
    ]
    expect(validateCustomValues(defs, {}).errors).toEqual([{ field: 'custom.a', message: 'is required' }])
    expect(validateCustomValues(defs, { a: 'x' })).toEqual({ values: { a: 'x', b: true }, errors: [] })
    // Updates keep what is not given and may not clear a required value.
    expect(validateCustomValues(defs, { b: false }, { a: 'x', b: true })).toEqual({
      values: { a: 'x', b: false },
      errors: [],
    })
    expect(validateCustomValues(defs, { a: '' }, { a: 'x' }).errors[0]?.field).toBe('custom.a')
    expect(validateCustomValues(defs, { zz: 1, a: 'x' }).errors).toEqual([
      { field: 'custom.zz', message: 'is not a custom field of this workspace' },
    ])
  })

  it('encodes numbers so that text order is numeric order', () => {
    const nums = [-1e14, -5.5, -1, 0, 0.25, 1, 9, 10, 1e14]
    const encoded = nums.map(encodeNumber)
    expect([...encoded].sort()).toEqual(encoded)
    expect(facetFilterValue(def('money'), '1250')).toBe(encodeNumber(1250))
    expect(facetFilterValue(def('money'), '12.50')).toBeNull()
    expect(facetFilterValue(def('long_text'), 'x')).toBeNull()
  })
  it('reads money cells with the digits of the field currency', () => {
    expect(coerceValue(def('money', { currency: 'JPY' }), '1,250', true)).toEqual({ ok: true, value: 1250 })
    expect(coerceValue(def('money', { currency: 'JPY' }), '12.5', true).ok).toBe(false)
    expect(coerceValue(def('money', { currency: 'BHD' }), '1.250', true)).toEqual({ ok: true, value: 1250 })
    expect(coerceValue(def('money', { currency: 'BHD' }), '1.2345', true).ok).toBe(false)
    expect(displayValue(def('money', { currency: 'JPY' }), 1250)).toBe('1250')
    expect(displayValue(def('money', { currency: 'BHD' }), 1250)).toBe('1.250')
    expect(displayValue(def('money', { currency: 'EUR' }), 1250)).toBe('12.50')
  })
})
