import { createHmac, timingSafeEqual } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Role } from '../access/index.ts'
import type { Database, Executor } from '../db/index.ts'
import { COOKIE_PREFIX, SESSION_COOKIE } from './constants.ts'
import { sessions } from './schema.ts'

export type WorkspaceSummary = {
  id: string
  name: string
  slug: string
  role: Role
  requireTwoFactor: boolean
}

export type AuthState = {
  sessionId: string
  token: string
  user: { id: string; name: string; email: string; emailVerified: boolean; twoFactorEnabled: boolean }
  workspaces: WorkspaceSummary[]
  workspace: WorkspaceSummary | null
}

/** Reads the signed session cookie; returns the token when the signature is valid. */
export function sessionTokenFromCookie(cookieHeader: string | undefined, secret: string): string | null {
  if (!cookieHeader) return null
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim()
    if (
      name !== `${COOKIE_PREFIX}.${SESSION_COOKIE}` &&
      name !== `__Secure-${COOKIE_PREFIX}.${SESSION_COOKIE}`
    )
      continue
    let value: string
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim())
    } catch {
      return null
    }
    const dot = value.lastIndexOf('.')
    if (dot <= 0) return null
    const token = value.slice(0, dot)
    const given = Buffer.from(value.slice(dot + 1), 'base64')
    const expected = createHmac('sha256', secret).update(token).digest()
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
    return token
  }
  return null
}

// One statement per request: the session, its user and every workspace the user belongs to. It runs
// on the owner connection, outside any workspace, because it is what decides the workspace. It also
// moves the session's "last seen" forward, at most once a minute, so that costs no extra round trip.
const SESSION_SQL = `
with seen as (
  update sessions set last_seen_at = now()
   where token = $1 and expires_at > now() and last_seen_at < now() - interval '1 minute'
)
select s.id as session_id, s.active_workspace_id, u.id as user_id, u.name, u.email,
       u.email_verified, u.two_factor_enabled,
       coalesce((
         select json_agg(json_build_object('id', w.id, 'name', w.name, 'slug', w.slug, 'role', m.role,
                                           'requireTwoFactor', w.require_two_factor) order by m.created_at)
           from memberships m join workspaces w on w.id = m.workspace_id
          where m.user_id = u.id), '[]'::json) as workspaces
  from sessions s join users u on u.id = s.user_id
 where s.token = $1 and s.expires_at > now()`

type Row = {
  session_id: string
  active_workspace_id: string | null
  user_id: string
  name: string
  email: string
  email_verified: boolean
  two_factor_enabled: boolean
  workspaces: WorkspaceSummary[] | string
}

export async function loadSession(database: Database, token: string): Promise<AuthState | null> {
  const rows = await database.query<Row>(SESSION_SQL, [token], 'atrium_load_session')
  const r = rows[0]
  if (!r) return null
  const workspaces = (
    typeof r.workspaces === 'string' ? JSON.parse(r.workspaces) : r.workspaces
  ) as WorkspaceSummary[]
  return {
    sessionId: r.session_id,
    token,
    user: {
      id: r.user_id,
      name: r.name,
      email: r.email,
      emailVerified: r.email_verified,
      twoFactorEnabled: r.two_factor_enabled,
    },
    workspaces,
    workspace: workspaces.find((w) => w.id === r.active_workspace_id) ?? workspaces[0] ?? null,
  }
}

/** The session the request's cookie names, or null when there is none or it is invalid or expired. */
export async function sessionFromCookie(
  database: Database,
  secret: string,
  cookieHeader: string | undefined,
): Promise<AuthState | null> {
  const token = sessionTokenFromCookie(cookieHeader, secret)
  return token ? loadSession(database, token) : null
}

/** Makes a workspace the one this session works in; call it before the transaction enters a workspace. */
export async function setActiveWorkspace(
  db: Executor,
  sessionId: string,
  workspaceId: string,
): Promise<void> {
  await db.update(sessions).set({ activeWorkspaceId: workspaceId }).where(eq(sessions.id, sessionId))
}
