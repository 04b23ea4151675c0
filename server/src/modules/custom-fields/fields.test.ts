import { describe, expect, it } from 'vitest'
import { autoMap, checkMapping, decodeCsv, mapRow, parseCsv } from './csv-import.ts'
import { coerceValue, encodeNumber, type FieldDef, facetFilterValue, validateCustomValues } from './fields.ts'

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
})

describe('CSV reading and mapping', () => {
  it('decodes UTF-8 (with or without BOM) and refuses other encodings', () => {
    expect(decodeCsv(Buffer.from('\ufeffa,b'))).toBe('a,b')
    expect(() => decodeCsv(Buffer.from('caf\xe9', 'latin1'))).toThrow(/UTF-8/)
    expect(() => decodeCsv(Buffer.from('\ufeffab', 'utf16le'))).toThrow(/UTF-16/)
    expect(() => decodeCsv(Buffer.alloc(0))).toThrow(/empty/)
  })

  it('detects the delimiter, keeps quoted commas and skips blank lines', () => {
    expect(parseCsv('a;b\n1;"x;y"\n\n')).toEqual([
      ['a', 'b'],
      ['1', 'x;y'],
    ])
    expect(parseCsv('a\tb\n1\t2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
    expect(() => parseCsv('a,b\n"open,1')).toThrow(/not valid CSV/)
  })

  it('auto-maps headers by name and synonyms, custom fields by key or label, each target once', () => {
    const defs = [def('text', { key: 'industry', label: 'Sector' })]
    expect(autoMap(['Company Name', 'E-mail', 'Sector', 'ZIP', 'Email', 'Whatever'], defs)).toEqual({
      '0': 'name',
      '1': 'email',
      '2': 'cf.industry',
      '3': 'billingAddress.postalCode',
      '4': null,
      '5': null,
    })
    expect(() => checkMapping({ '0': 'email' }, ['Email'], [])).toThrow()
  })

  it('maps a row to a validated client or to errors naming the field', () => {
    const mapping = { '0': 'name', '1': 'tags', '2': 'paymentTermsDays', '3': 'kind', '4': 'status' }
    const ok = mapRow(['Acme', 'a; b', '30', 'Individual', 'Lead'], mapping, [])
    expect(ok.ok && ok.value.client).toMatchObject({
      name: 'Acme',
      tags: ['a', 'b'],
      paymentTermsDays: 30,
      kind: 'person',
      status: 'lead',
    })
    const bad = mapRow(['', 'x', 'soon', 'robot', 'done'], mapping, [])
    expect(!bad.ok && bad.errors.map((e) => e.field).sort()).toEqual([
      'kind',
      'name',
      'paymentTermsDays',
      'status',
    ])
  })
})
