import { describe, expect, it } from 'vitest'
import { mapRow } from './csv-import.ts'

describe('import: the export guard and readable errors', () => {
  const mapping = { '0': 'name', '1': 'phone', '2': 'status', '3': 'email' }

  it('strips the quote an export put before a formula-like value, and keeps phone numbers', () => {
    const r = mapRow(['\'=HYPERLINK("x")', '+44 20 7946 0958', 'active', ''], mapping, [])
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.value.client).toMatchObject({ name: '=HYPERLINK("x")', phone: '+44 20 7946 0958' })
    const quoted = mapRow(["'Quoted' Ltd", "'-2+3", 'lead', ''], mapping, [])
    if (quoted.ok) expect(quoted.value.client).toMatchObject({ name: "'Quoted' Ltd", phone: '-2+3' })
  })

  it('says what is wrong in words, not validator codes', () => {
    const r = mapRow(['Acme', '', 'maybe', 'not-an-email'], mapping, [])
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.errors).toEqual([
        { field: 'email', message: 'must be an email address' },
        { field: 'status', message: 'must be one of: lead, active, archived' },
      ])
  })
})
