import type { SQL } from 'drizzle-orm'
import { sql } from 'drizzle-orm'
import {
  copyCsvWithPrelude,
  type Db,
  type ReadOptions,
  readWithPrelude,
  type Tx,
  transactionWithPrelude,
} from '../db/index.ts'

export const APP_ROLE = 'atrium_app'

export type WorkspaceScope = { db: Db; workspaceId: string }

/**
 * Switches an open transaction to the application role and to one workspace: from here on row-level
 * security shows and accepts only that workspace's rows.
 */
export async function enterWorkspace(tx: Tx, workspaceId: string): Promise<void> {
  await tx.execute(
    sql`select set_config('app.workspace_id', ${workspaceId}, true), set_config('role', ${APP_ROLE}, true)`,
  )
}

/** The only way modules reach tenant data: a transaction scoped to one workspace by RLS. */
export async function withWorkspace<T>(scope: WorkspaceScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  // The id is inlined into the transaction's first statement (one round trip with BEGIN), so it must be
  // exactly a UUID.
  if (!UUID.test(scope.workspaceId)) throw new Error('withWorkspace needs a workspace UUID')
  return transactionWithPrelude(scope.db, preludeOf(scope.workspaceId), fn)
}

/**
 * One read-only statement in the workspace, in a single round trip on PostgreSQL: for reads that need
 * nothing else from the transaction (a list page, one record). Row-level security applies as in
 * `withWorkspace`. `{ prepare: true }` plans it once per connection (`ReadOptions`).
 */
export async function readInWorkspace<T>(
  scope: WorkspaceScope,
  query: SQL,
  opts: ReadOptions = {},
): Promise<T[]> {
  if (!UUID.test(scope.workspaceId)) throw new Error('readInWorkspace needs a workspace UUID')
  return readWithPrelude<T>(scope.db, preludeOf(scope.workspaceId), query, opts)
}

/**
 * One statement's answer in the workspace as CSV written by PostgreSQL and streamed (row-level security
 * applies as in `withWorkspace`); null on PGlite, where the caller reads in pages (`copyCsvWithPrelude`).
 */
export async function copyCsvInWorkspace(scope: WorkspaceScope, query: SQL) {
  if (!UUID.test(scope.workspaceId)) throw new Error('copyCsvInWorkspace needs a workspace UUID')
  return copyCsvWithPrelude(scope.db, preludeOf(scope.workspaceId), query)
}

const preludeOf = (workspaceId: string) =>
  `select set_config('app.workspace_id', '${workspaceId}', true), set_config('role', '${APP_ROLE}', true)`

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export * from './members.ts'
export * from './schema.ts'
