import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin'
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { desc, eq } from 'drizzle-orm'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import pino from 'pino'
import { inject } from 'vitest'
import { buildApp, createKernel } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createUser } from '../src/db/seed.ts'
import { type Database, openDatabase } from '../src/kernel/db/index.ts'
import type { Kernel } from '../src/kernel/kernel.ts'
import { mailMessages } from '../src/kernel/mail/schema.ts'
import { memberships } from '../src/kernel/tenancy/index.ts'

export const APP_URL = 'http://localhost:3000'

async function cloneDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const tpl = inject('template')
  if (tpl.engine === 'pglite') {
    const blob = new Blob([readFileSync(tpl.file)])
    const pglite = await PGlite.create({
      loadDataDir: blob,
      extensions: { pg_trgm, btree_gin, fuzzystrmatch },
    })
    return { database: await openDatabase({ pglite }), drop: async () => {} }
  }
  const name = `${tpl.name}_${randomBytes(4).toString('hex')}`
  const root = await openDatabase({ url: tpl.url, poolSize: 1 })
  await root.query(`create database ${name} template ${tpl.name}`)
  const url = new URL(tpl.url)
  url.pathname = `/${name}`
  const database = await openDatabase({ url: url.toString(), poolSize: 10 })
  return {
    database,
    drop: async () => {
      await root.query(`drop database if exists ${name} with (force)`)
      await root.close()
    },
  }
}

export type TestApp = {
  app: FastifyInstance
  kernel: Kernel
  database: Database
  close(): Promise<void>
  /** A client with its own cookie jar, like one browser. */
  client(opts?: { ip?: string; userAgent?: string }): Client
  /** A verified user with a password (and a workspace they own when given). */
  user(opts?: { email?: string; name?: string; workspace?: string | false }): Promise<TestUser>
  /** Waits for an email to this address whose subject matches, as the job worker delivers it. */
  mail(to: string, subject?: RegExp): Promise<{ subject: string; text: string; link: string | null }>
}

export type TestUser = {
  id: string
  email: string
  password: string
  workspaceId: string | null
  client: Client
}

export type Client = {
  request(opts: InjectOptions & { url: string }): Promise<LightMyRequestResponse>
  get(url: string): Promise<LightMyRequestResponse>
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>
  del(url: string): Promise<LightMyRequestResponse>
  signIn(email: string, password: string): Promise<LightMyRequestResponse>
  cookies: Map<string, string>
}

export async function createTestApp(
  env: Record<string, string> = {},
  opts: { log?: pino.Logger } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-test-'))
  const { database, drop } = await cloneDatabase()
  const config = loadConfig({
    NODE_ENV: 'test',
    APP_URL,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ATRIUM_SEED: 'false',
    SECRET_KEY: randomBytes(32).toString('hex'),
    ...env,
  })
  const kernel = await createKernel(config, {
    database,
    log: opts.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  })
  await kernel.jobs.start({ work: true })
  const app = await buildApp(kernel)
  await app.ready()

  const client = (opts: { ip?: string; userAgent?: string } = {}): Client => {
    const cookies = new Map<string, string>()
    const request = async (o: InjectOptions & { url: string }) => {
      const headers: Record<string, string> = {
        origin: APP_URL,
        'user-agent':
          opts.userAgent ?? 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36',
        ...(o.headers as Record<string, string>),
      }
      if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
      const res = await app.inject({ ...o, headers, remoteAddress: opts.ip ?? '127.0.0.1' })
      for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
        const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()) || c.value === ''
        if (expired) cookies.delete(c.name)
        else cookies.set(c.name, c.value)
      }
      return res
    }
    const withBody = (method: 'POST' | 'PATCH' | 'PUT') => (url: string, body?: unknown) =>
      request({ method, url, payload: (body ?? {}) as object })
    return {
      request,
      cookies,
      get: (url) => request({ method: 'GET', url }),
      post: withBody('POST'),
      patch: withBody('PATCH'),
      put: withBody('PUT'),
      del: (url) => request({ method: 'DELETE', url }),
      signIn: (email, password) =>
        request({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password } }),
    }
  }

  let n = 0
  const user: TestApp['user'] = async (opts = {}) => {
    n++
    const email = opts.email ?? `user${n}-${randomBytes(3).toString('hex')}@example.com`
    const password = `pw-${randomBytes(8).toString('hex')}`
    const ws = opts.workspace === false ? undefined : (opts.workspace ?? `Workspace ${n}`)
    const created = await createUser(database, {
      email,
      password,
      name: opts.name ?? `User ${n}`,
      workspace: ws
        ? {
            name: ws,
            slug: `${ws.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomBytes(3).toString('hex')}`,
          }
        : undefined,
    })
    const c = client()
    const res = await c.signIn(email, password)
    if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`)
    return { id: created.userId, email, password, workspaceId: created.workspaceId, client: c }
  }

  const mail: TestApp['mail'] = async (to, subject) => {
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      const rows = await database.db
        .select()
        .from(mailMessages)
        .where(eq(mailMessages.to, to))
        .orderBy(desc(mailMessages.createdAt))
      const m = rows.find((r) => !subject || subject.test(r.subject))
      if (m) return { subject: m.subject, text: m.text, link: m.text.match(/https?:\/\/\S+/)?.[0] ?? null }
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`no email to ${to} matching ${subject}`)
  }

  return {
    app,
    kernel,
    database,
    client,
    user,
    mail,
    async close() {
      await app.close()
      await kernel.close()
      await drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A new user who joins a workspace with this role and makes it their active one. */
export async function joinWorkspace(
  t: TestApp,
  workspaceId: string,
  role: 'admin' | 'member',
  name?: string,
): Promise<TestUser> {
  const user = await t.user({ workspace: false, name })
  await t.database.db.insert(memberships).values({ workspaceId, userId: user.id, role })
  const res = await user.client.put('/api/v1/me/active-workspace', { workspaceId })
  if (res.statusCode >= 300) throw new Error(`could not switch workspace: ${res.body}`)
  return user
}

/** The path and query of an absolute link, for app.inject. */
export const pathOf = (link: string) => {
  const u = new URL(link)
  return u.pathname + u.search
}
