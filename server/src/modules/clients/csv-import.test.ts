import { describe, expect, it } from 'vitest'
import type { FieldDef } from '../custom-fields/index.ts'
import { autoMap, checkMapping, decodeCsv, mapRow, parseCsv } from './csv-import.ts'

const def = (type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef => ({
  key: 'f',
  label: 'F',
  type,
  required: false,
  defaultValue: null,
  options: [],
  ...extra,
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
