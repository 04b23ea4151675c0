import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  APP_URL,
  createTestApp,
  joinWorkspace,
  pathOf,
  type TestApp,
  type TestUser,
} from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/schema.ts'
import { storageOf } from '../../kernel/storage/index.ts'
import { startS3 } from '../../kernel/storage/s3-test-server.ts'
import { registerFileRecordType } from './index.ts'

export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const MAX = 1024 * 1024
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** A test record type whose records the workspace's owner and admins see, and only its owner changes. */
const probeRecords = new Map<string, string>()
registerFileRecordType({
  type: 'probe',
  async visible(_tx, ctx, ids) {
    const staff = ctx.actor.role === 'owner' || ctx.actor.role === 'admin'
    return new Set(ids.filter((id) => probeRecords.get(id) === ctx.workspaceId && staff))
  },
  async writable(_tx, ctx, ids) {
    return new Set(ids.filter((id) => probeRecords.get(id) === ctx.workspaceId && ctx.actor.role === 'owner'))
  },
})

for (const driver of ['local', 's3'] as const) {
  describe(`files on the ${driver} driver`, () => {
    let t: TestApp
    let s3: Awaited<ReturnType<typeof startS3>> | null = null
    let owner: TestUser
    let admin: TestUser
    let member: TestUser
    let other: TestUser
    let outsider: TestUser

    const upload = (u: TestUser, name: string, body: Buffer | Readable, query = '') =>
      u.client.request({
        method: 'POST',
        url: `/api/v1/files?name=${encodeURIComponent(name)}${query}`,
        payload: body,
        headers: { 'content-type': 'application/octet-stream' },
      })

    /** Objects the driver holds, wherever it keeps them. */
    const storedObjects = () => {
      const root = s3 ? join(s3.directory, 'atrium-test') : join(t.kernel.config.dataDir, 'files')
      if (!existsSync(root)) return []
      return readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile() && (s3 ? d.name.endsWith('._S3rver_object') : true))
        .map((d) => d.name)
    }

    beforeAll(async () => {
      if (driver === 's3') s3 = await startS3()
      t = await createTestApp({
        FILES_MAX_BYTES: String(128 * MAX),
        SESSION_CACHE_MS: '0',
        ...(s3?.env ?? {}),
      })
      owner = await t.user({ workspace: 'Files Co' })
      admin = await joinWorkspace(t, owner.workspaceId!, 'admin')
      member = await joinWorkspace(t, owner.workspaceId!, 'member')
      other = await joinWorkspace(t, owner.workspaceId!, 'member')
      outsider = await t.user({ workspace: 'Elsewhere' })
    })
    let port: number | null = null
    const listening = async () => {
      if (port === null) {
        await t.app.listen({ port: 0, host: '127.0.0.1' })
        port = (t.app.server.address() as { port: number }).port
      }
      return port
    }
    afterAll(async () => {
      await t?.close()
      await s3?.close()
    })

    it(`stores with the ${driver} driver`, () => {
      expect(storageOf(t.kernel).driver.kind).toBe(driver)
    })

    it('round trip: upload, metadata, download, ranges, list, audit, delete', async () => {
      const up = await upload(member, 'pixel.png', PNG)
      expect(up.statusCode, up.body).toBe(201)
      const f = up.json()
      expect(f).toMatchObject({
        name: 'pixel.png',
        contentType: 'image/png',
        size: PNG.length,
        sha256: sha(PNG),
      })
      expect(f.id).toMatch(/^file_[0-9a-f]{32}$/)
      expect(f.ownerId).toBe(member.id)

      expect((await member.client.get(`/api/v1/files/${f.id}`)).json()).toEqual(f)
      const down = await member.client.get(`/api/v1/files/${f.id}/content`)
      expect(down.statusCode).toBe(200)
      expect(down.rawPayload.equals(PNG)).toBe(true)
      expect(down.headers['content-type']).toBe('image/png')
      expect(down.headers['content-disposition']).toBe(
        `attachment; filename="pixel.png"; filename*=UTF-8''pixel.png`,
      )
      expect(down.headers['x-content-type-options']).toBe('nosniff')
      expect(down.headers.etag).toBe(`"${sha(PNG)}"`)
      const inline = await member.client.get(`/api/v1/files/${f.id}/content?disposition=inline`)
      expect(inline.headers['content-disposition']).toMatch(/^inline;/)

      const part = await member.client.request({
        method: 'GET',
        url: `/api/v1/files/${f.id}/content`,
        headers: { range: 'bytes=1-3' },
      })
      expect(part.statusCode).toBe(206)
      expect(part.headers['content-range']).toBe(`bytes 1-3/${PNG.length}`)
      expect(part.rawPayload.equals(PNG.subarray(1, 4))).toBe(true)
      const past = await member.client.request({
        method: 'GET',
        url: `/api/v1/files/${f.id}/content`,
        headers: { range: `bytes=${PNG.length}-` },
      })
      expect(past.statusCode).toBe(416)
      expect(past.headers['content-range']).toBe(`bytes */${PNG.length}`)
      expect(past.headers['content-type']).toContain('application/problem+json')
      const cached = await member.client.request({
        method: 'GET',
        url: `/api/v1/files/${f.id}/content`,
        headers: { 'if-none-match': `"${sha(PNG)}"` },
      })
      expect(cached.statusCode).toBe(304)

      expect((await member.client.get('/api/v1/files')).json().data.map((x: { id: string }) => x.id)).toEqual(
        [f.id],
      )
      const [entry] = await t.database.db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.targetId, f.id), eq(auditLogs.action, 'file.uploaded')))
      expect(entry?.actorId).toBe(member.id)

      expect(storedObjects().length).toBe(1)
      expect((await member.client.del(`/api/v1/files/${f.id}`)).statusCode).toBe(204)
      expect((await member.client.get(`/api/v1/files/${f.id}`)).statusCode).toBe(404)
      expect(storedObjects()).toEqual([])
    })

    it('refuses a file whose bytes say PNG but whose name says PDF, and stores nothing', async () => {
      const res = await upload(owner, 'invoice.pdf', PNG)
      expect(res.statusCode).toBe(415)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json()).toMatchObject({ status: 415, type: '/problems/file-type-mismatch' })
      expect(res.json().errors[0].field).toBe('file')
      expect(res.json().errors[0].message).toContain('image/png')
      const html = await upload(owner, 'page.html', Buffer.from('<script>alert(1)</script>'))
      expect(html.statusCode).toBe(415)
      expect(html.json().type).toBe('/problems/file-type-not-allowed')
      const exe = await upload(owner, 'tool', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0)]))
      expect(exe.statusCode).toBe(415)
      expect((await upload(owner, 'empty.txt', Buffer.alloc(0))).statusCode).toBe(400)
      expect(storedObjects()).toEqual([])
      const pdf = await upload(owner, 'real.pdf', PDF)
      expect(pdf.json()).toMatchObject({ contentType: 'application/pdf' })
      const csv = await upload(owner, 'people.csv', Buffer.from('name,email\nA,a@example.com\n'))
      expect(csv.json()).toMatchObject({ contentType: 'text/csv' })
      await owner.client.del(`/api/v1/files/${pdf.json().id}`)
      await owner.client.del(`/api/v1/files/${csv.json().id}`)
    })

    it('aborts an upload over the size limit while it streams and leaves no partial object', async () => {
      // Config allows 128 MiB; the plans hook narrows it to 1 MiB here (it cannot widen it).
      const storage = storageOf(t.kernel)
      storage.setLimits(async (_ctx, d) => ({ ...d, maxBytes: MAX }))
      expect((await storage.limits({ workspaceId: owner.workspaceId! })).maxBytes).toBe(MAX)
      storage.setLimits(async (_ctx, d) => ({ ...d, maxBytes: d.maxBytes * 2 }))
      expect((await storage.limits({ workspaceId: owner.workspaceId! })).maxBytes).toBe(128 * MAX)
      storage.setLimits(async (_ctx, d) => ({ ...d, maxBytes: MAX }))
      try {
        // Announced too large: refused before a byte is stored.
        const announced = await upload(owner, 'big.txt', Buffer.alloc(MAX + 1, 'a'))
        expect(announced.statusCode).toBe(413)
        expect(announced.json().errors[0].field).toBe('file')
        // No length announced: refused once the limit is passed mid-stream.
        let sent = 0
        const endless = new Readable({
          read() {
            sent += 64 * 1024
            this.push(sent > 4 * MAX ? null : Buffer.alloc(64 * 1024, 'b'))
          },
        })
        const res = await upload(owner, 'stream.txt', endless)
        expect(res.statusCode, res.body).toBe(413)
        expect(res.json().type).toBe('/problems/file-too-large')
        expect(storedObjects()).toEqual([])
      } finally {
        storage.setLimits(async (_ctx, d) => d)
      }
    })

    it('keeps files to their workspace, their uploader and admins', async () => {
      const mine = (await upload(member, 'mine.png', PNG)).json()
      for (const u of [outsider, other])
        for (const url of [`/api/v1/files/${mine.id}`, `/api/v1/files/${mine.id}/content`]) {
          expect((await u.client.get(url)).statusCode, url).toBe(404)
        }
      expect((await outsider.client.post(`/api/v1/files/${mine.id}/signed-url`, {})).statusCode).toBe(404)
      expect((await outsider.client.del(`/api/v1/files/${mine.id}`)).statusCode).toBe(404)
      expect((await other.client.get('/api/v1/files')).json().data).toEqual([])
      expect((await outsider.client.get('/api/v1/files')).json().data).toEqual([])
      expect((await admin.client.get(`/api/v1/files/${mine.id}`)).statusCode).toBe(200)
      const adminFile = (await upload(admin, 'admin.png', PNG)).json()
      expect((await member.client.del(`/api/v1/files/${adminFile.id}`)).statusCode).toBe(404)
      expect((await owner.client.get(`/api/v1/files/${mine.id}`)).json().canDelete).toBe(true)
      expect((await owner.client.del(`/api/v1/files/${mine.id}`)).statusCode).toBe(204)
      expect((await admin.client.del(`/api/v1/files/${adminFile.id}`)).statusCode).toBe(204)
    })

    it('attaches files to records of a registered type: seeing follows the record, attaching and removing its write rule', async () => {
      const rec = `prb_${'1'.repeat(32)}`
      probeRecords.set(rec, owner.workspaceId!)
      const q = `&recordType=probe&recordId=${rec}`
      const before = storedObjects().length
      // The member does not see the record, another workspace neither: 404, as for a record that does not exist.
      expect((await upload(member, 'x.png', PNG, q)).statusCode).toBe(404)
      expect((await upload(outsider, 'x.png', PNG, q)).statusCode).toBe(404)
      expect((await upload(owner, 'x.png', PNG, `&recordType=nothing&recordId=${rec}`)).statusCode).toBe(404)
      expect((await upload(owner, 'x.png', PNG, '&recordType=probe')).statusCode).toBe(400)
      // The admin sees the record but may not change it: 403, even with files:manage, and nothing stored.
      const refused = await upload(admin, 'x.png', PNG, q)
      expect(refused.statusCode).toBe(403)
      expect(refused.json()).toMatchObject({ errors: [{ field: 'recordId' }] })
      expect(storedObjects().length).toBe(before)
      const f = (await upload(owner, 'x.png', PNG, q)).json()
      expect(f).toMatchObject({ recordType: 'probe', recordId: rec, canDelete: true })
      const list = await owner.client.get(`/api/v1/files?recordType=probe&recordId=${rec}`)
      expect(list.json().data.map((x: { id: string }) => x.id)).toEqual([f.id])
      // Reading follows the record: the admin lists, reads and downloads; cannot delete.
      const adminList = await admin.client.get(`/api/v1/files?recordType=probe&recordId=${rec}`)
      expect(adminList.json().data).toMatchObject([{ id: f.id, canDelete: false }])
      expect((await admin.client.get(`/api/v1/files/${f.id}`)).json().canDelete).toBe(false)
      expect((await admin.client.get(`/api/v1/files/${f.id}/content`)).statusCode).toBe(200)
      expect((await admin.client.del(`/api/v1/files/${f.id}`)).statusCode).toBe(403)
      for (const u of [member, outsider]) {
        expect((await u.client.get(`/api/v1/files/${f.id}`)).statusCode).toBe(404)
        expect((await u.client.get(`/api/v1/files/${f.id}/content`)).statusCode).toBe(404)
        expect((await u.client.post(`/api/v1/files/${f.id}/signed-url`, {})).statusCode).toBe(404)
        expect((await u.client.del(`/api/v1/files/${f.id}`)).statusCode).toBe(404)
        expect((await u.client.get(`/api/v1/files?recordType=probe&recordId=${rec}`)).statusCode).toBe(404)
      }
      // Once the owner may no longer change the record, they cannot remove its files either.
      probeRecords.set(`prb_${'2'.repeat(32)}`, owner.workspaceId!)
      const held = (
        await upload(owner, 'y.png', PNG, `&recordType=probe&recordId=prb_${'2'.repeat(32)}`)
      ).json()
      probeRecords.set(`prb_${'2'.repeat(32)}`, outsider.workspaceId!)
      expect((await owner.client.del(`/api/v1/files/${held.id}`)).statusCode).toBe(404)
      expect((await owner.client.del(`/api/v1/files/${f.id}`)).statusCode).toBe(204)
      expect((await admin.client.get(`/api/v1/files/${f.id}`)).statusCode).toBe(404)
    })

    it('streams a 120 MB file both ways over HTTP holding a bounded window of it', async () => {
      const port = await listening()
      const cookie = [...owner.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
      const size = 120 * 1024 * 1024
      const line = Buffer.from('Atrium streams files through a bounded buffer, whatever their size.\n')
      const expected = createHash('sha256')
      const chunk = Buffer.alloc(64 * 1024)
      for (let i = 0; i < chunk.length; i++) chunk[i] = line[i % line.length]!
      const body = Readable.from(
        (function* () {
          for (let sent = 0; sent < size; sent += chunk.length) {
            expected.update(chunk)
            yield chunk
          }
        })(),
      )
      // Memory held (heap + buffers after a full collection), sampled while the file streams both ways:
      // garbage from passing chunks is not held, a file kept in memory would be.
      const held = () => {
        gc()
        const m = process.memoryUsage()
        return m.heapUsed + m.arrayBuffers
      }
      const base = held()
      const rssBase = process.memoryUsage().rss
      let peak = base
      let rssPeak = rssBase
      const sampler = setInterval(() => {
        peak = Math.max(peak, held())
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
      }, 500)
      try {
        const up = await fetch(`http://127.0.0.1:${port}/api/v1/files?name=big.txt`, {
          method: 'POST',
          body: Readable.toWeb(body) as ReadableStream,
          duplex: 'half',
          headers: { cookie, origin: APP_URL, 'content-type': 'application/octet-stream' },
        } as RequestInit)
        expect(up.status, await up.clone().text()).toBe(201)
        const f = (await up.json()) as { id: string; size: number; sha256: string }
        expect(f.size).toBe(size)
        expect(f.sha256).toBe(expected.digest('hex'))
        const down = await fetch(`http://127.0.0.1:${port}/api/v1/files/${f.id}/content`, {
          headers: { cookie },
        })
        expect(down.status).toBe(200)
        const got = createHash('sha256')
        let bytes = 0
        for await (const part of down.body as unknown as AsyncIterable<Uint8Array>) {
          got.update(part)
          bytes += part.length
        }
        expect(bytes).toBe(size)
        expect(got.digest('hex')).toBe(f.sha256)
      } finally {
        clearInterval(sampler)
      }
      const growth = (peak - base) / 1024 / 1024
      const rss = (rssPeak - rssBase) / 1024 / 1024
      // The process holds a bounded window of the file (about 16 MB on either driver on a quiet machine:
      // S3's 5 MB parts, two in flight and one filling; up to ~62 MB on a loaded machine when a side lags),
      // never the file: under two thirds of it.
      const bound = (size * 2) / 3 / 1024 / 1024
      expect(growth, `held memory grew ${growth.toFixed(1)} MB (RSS ${rss.toFixed(1)} MB)`).toBeLessThan(
        bound,
      )
    }, 180_000)

    it('signed links: open without a session until they expire; forged ones fail', async () => {
      const f = (await upload(member, 'doc.pdf', PDF)).json()
      const res = await member.client.post(`/api/v1/files/${f.id}/signed-url`, { expiresInSeconds: 60 })
      expect(res.statusCode, res.body).toBe(201)
      const { url, expiresAt } = res.json()
      expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(50_000)
      const anon = t.client()
      const ok = await anon.get(pathOf(url))
      expect(ok.statusCode).toBe(200)
      expect(ok.rawPayload.equals(PDF)).toBe(true)
      const ranged = await anon.request({ method: 'GET', url: pathOf(url), headers: { range: 'bytes=0-3' } })
      expect(ranged.statusCode).toBe(206)
      expect(ranged.body).toBe('%PDF')

      const u = new URL(url)
      const sig = u.searchParams.get('signature')!
      const tamper = (k: string, v: string) => {
        const x = new URL(url)
        x.searchParams.set(k, v)
        return x.pathname + x.search
      }
      const flipped = sig[0] === 'A' ? `B${sig.slice(1)}` : `A${sig.slice(1)}`
      expect((await anon.get(tamper('signature', flipped))).statusCode).toBe(403)
      expect((await anon.get(tamper('signature', 'x'))).json().errors[0].field).toBe('signature')
      expect(
        (await anon.get(tamper('expires', String(Number(u.searchParams.get('expires')) + 3600)))).statusCode,
      ).toBe(403)
      expect((await anon.get(tamper('workspaceId', outsider.workspaceId!))).statusCode).toBe(403)
      const otherFile = (await upload(member, 'other.png', PNG)).json()
      expect((await anon.get(pathOf(url).replace(f.id, otherFile.id))).statusCode).toBe(403)

      // Expired: a link minted an hour ago for a minute.
      const storage = storageOf(t.kernel)
      const old = storage.signedParams(
        { id: f.id, workspaceId: owner.workspaceId! },
        60,
        Date.now() - 3600_000,
      )
      const expired = await anon.get(
        `/api/v1/files/${f.id}/download?workspaceId=${old.workspaceId}&expires=${old.expires}&signature=${old.signature}`,
      )
      expect(expired.statusCode).toBe(410)
      expect(expired.headers['content-type']).toContain('application/problem+json')

      // A deleted file's link opens nothing.
      await member.client.del(`/api/v1/files/${f.id}`)
      expect((await anon.get(pathOf(url))).statusCode).toBe(404)
      await member.client.del(`/api/v1/files/${otherFile.id}`)
    })
  })
}
