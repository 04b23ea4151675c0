import { randomBytes, randomUUID } from 'node:crypto'
import { hash } from '@node-rs/argon2'
import { sql } from 'drizzle-orm'
import { accounts, users } from '../kernel/auth/schema.ts'
import type { Database } from '../kernel/db/index.ts'
import { assembleModules } from '../kernel/module.ts'
import { modules } from '../modules/index.ts'
import { createOwnedWorkspace } from '../modules/workspaces/index.ts'

/** Creates a verified user with a password, and optionally a workspace they own. */
export async function createUser(
  database: Database,
  input: { email: string; name: string; password: string; workspace?: { name: string; slug: string } },
) {
  const id = randomUUID()
  const passwordHash = await hash(input.password)
  return database.db.transaction(async (tx) => {
    await tx
      .insert(users)
      .values({ id, email: input.email.toLowerCase(), name: input.name, emailVerified: true })
    await tx
      .insert(accounts)
      .values({ userId: id, accountId: id, providerId: 'credential', password: passwordHash })
    if (!input.workspace) return { userId: id, workspaceId: null }
    const ws = await createOwnedWorkspace(tx, { id, email: input.email }, input.workspace, {
      actorId: id,
      actorLabel: input.email,
      ipAddress: null,
      userAgent: 'atrium seed',
      requestId: null,
    })
    return { userId: id, workspaceId: ws.id }
  })
}

/** On a database without users, creates the demo workspace and its owner; returns the credentials once. */
export async function seedDemo(database: Database) {
  const [row] = await database.db
    .execute<{ n: number }>(sql`select count(*)::int as n from users`)
    .then((r) => r.rows)
  if (Number(row?.n ?? 0) > 0) return null
  const email = 'demo@atrium.local'
  const password = randomBytes(12).toString('base64url')
  const demo = await createUser(database, {
    email,
    name: 'Demo Owner',
    password,
    workspace: { name: 'Demo Agency', slug: 'demo' },
  })
  const ctx = {
    db: database.db,
    workspaceId: demo.workspaceId as string,
    actor: { userId: demo.userId, role: 'owner' as const },
    meta: {
      actorId: demo.userId,
      actorLabel: email,
      ipAddress: null,
      userAgent: 'atrium seed',
      requestId: null,
    },
  }
  // The seed also runs outside the app (`atrium seed`): install the modules' permissions first.
  for (const m of assembleModules(modules).modules) await m.seed?.(ctx)
  return { email, password }
}
