import { describe, expect, it } from 'vitest'
import { contentDisposition, parseRange } from './http.ts'
import { safeName } from './index.ts'
import { DEFAULT_ALLOWED_TYPES, decideType } from './media-types.ts'
import { sign, signingKey, verify } from './signing.ts'

describe('types decided by content', () => {
  const allowed = DEFAULT_ALLOWED_TYPES
  it('accepts what the bytes and the name agree on', () => {
    expect(decideType('a.png', 'image/png', allowed)).toEqual({ ok: true, type: 'image/png' })
    expect(decideType('notes.csv', 'text', allowed)).toEqual({ ok: true, type: 'text/csv' })
    expect(decideType('no-extension', 'application/pdf', allowed)).toEqual({
      ok: true,
      type: 'application/pdf',
    })
    expect(decideType('plan.docx', 'application/zip', allowed)).toMatchObject({ ok: true })
  })
  it('refuses a name that contradicts the bytes, and types not allowed', () => {
    expect(decideType('report.pdf', 'image/png', allowed)).toMatchObject({ ok: false, reason: 'mismatch' })
    expect(decideType('photo.png', 'text', allowed)).toMatchObject({ ok: false, reason: 'mismatch' })
    expect(decideType('page.html', 'text', allowed)).toMatchObject({ ok: false, reason: 'not-allowed' })
    expect(decideType('x.svg', 'text', allowed)).toMatchObject({ ok: false, reason: 'not-allowed' })
    expect(decideType('setup', 'application/x-msdownload', allowed)).toMatchObject({ ok: false })
    expect(decideType('blob.bin', 'binary', allowed)).toMatchObject({ ok: false, reason: 'unknown' })
    expect(decideType('a.png', 'image/png', ['image/*'])).toMatchObject({ ok: true })
    expect(decideType('a.pdf', 'application/pdf', ['image/*'])).toMatchObject({ ok: false })
  })
})

describe('signed links', () => {
  const key = signingKey('s'.repeat(40))
  const p = {
    workspaceId: '0190a0a0-0000-7000-8000-000000000001',
    fileId: `file_${'a'.repeat(32)}`,
    expires: 2_000_000_000,
  }
  it('hold for their file, workspace and expiry only', () => {
    const sig = sign(key, p)
    expect(verify(key, p, sig, 0)).toBe('valid')
    expect(verify(key, p, sig, 2_000_000_000_000)).toBe('expired')
    expect(verify(key, { ...p, fileId: `file_${'b'.repeat(32)}` }, sig, 0)).toBe('invalid')
    expect(verify(key, { ...p, workspaceId: '0190a0a0-0000-7000-8000-000000000002' }, sig, 0)).toBe('invalid')
    expect(verify(key, { ...p, expires: p.expires + 1 }, sig, 0)).toBe('invalid')
    expect(verify(signingKey('t'.repeat(40)), p, sig, 0)).toBe('invalid')
    expect(verify(key, p, `${sig.slice(0, -1)}A`, 0)).not.toBe('valid')
    expect(verify(key, p, '', 0)).toBe('invalid')
  })
})

describe('HTTP details', () => {
  it('reads one byte range', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 })
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 })
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull()
    expect(parseRange('items=0-1', 100)).toBeNull()
    expect(parseRange(undefined, 100)).toBeNull()
  })
  it('names files safely', () => {
    expect(safeName('../../etc/passwd')).toBe('passwd')
    expect(safeName('C:\\Users\\x\\report.pdf')).toBe('report.pdf')
    expect(safeName('evil\u202Egnp.exe')).toBe('evilgnp.exe')
    expect(safeName('..')).toBe('file')
    expect(contentDisposition('résumé "final".pdf', 'attachment')).toBe(
      `attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20_final_.pdf`,
    )
    expect(contentDisposition('a\r\nSet-Cookie: x.txt', 'inline')).not.toMatch(/[\r\n]/)
  })
})
