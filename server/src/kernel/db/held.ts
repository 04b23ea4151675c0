import { AsyncLocalStorage } from 'node:async_hooks'
import type { Tx } from './index.ts'

/**
 * A request may ask that its first successful transaction run one more step (`claim`) and then stay
 * open until the request's answer is known, so that the answer is stored in the same commit as the
 * effect (see http/idempotency.ts). Any other database use by the same request first commits the held
 * transaction, so a request can never wait on itself.
 */
export type HeldScope = {
  claim: (tx: Tx) => Promise<void>
  claimed: boolean
  held: { finish(last: FinalStep): Promise<void> } | null
}

/** What to do with a held transaction: run a last step and commit, just commit, or roll back. */
export type FinalStep = ((tx: Tx) => Promise<void>) | null | 'rollback'

export const heldScope = new AsyncLocalStorage<HeldScope>()

class RolledBack extends Error {}

/** Commits the current request's held transaction, if any, before other database work. */
export async function releaseHeld(): Promise<void> {
  const scope = heldScope.getStore()
  const held = scope?.held
  if (!scope || !held) return
  scope.held = null
  await held.finish(null)
}

/** Ends the current request's held transaction with `last`; a rollback resolves too. */
export async function finishHeld(scope: HeldScope, last: FinalStep): Promise<boolean> {
  const held = scope.held
  if (!held) return false
  scope.held = null
  try {
    await held.finish(last)
  } catch (err) {
    if (err instanceof RolledBack) return true
    throw err
  }
  return true
}

/**
 * Runs `fn` through `run` (which opens a transaction and commits when its body resolves). Inside a
 * request scope whose claim is not yet taken, the claim runs after `fn` in the same transaction, `fn`'s
 * result is handed back at once, and the commit waits for `finishHeld`.
 */
export async function runTransaction<T>(
  run: (body: (tx: Tx) => Promise<T>) => Promise<T>,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  await releaseHeld()
  const scope = heldScope.getStore()
  if (!scope || scope.claimed) return run(fn)
  return new Promise<T>((resolve, reject) => {
    let handedOver = false
    const settled = run(async (tx) => {
      const result = await fn(tx)
      await scope.claim(tx)
      scope.claimed = true
      const last = await new Promise<FinalStep>((decide) => {
        scope.held = {
          finish: (step) => {
            decide(step)
            return settled.then(() => undefined)
          },
        }
        handedOver = true
        resolve(result)
      })
      if (last === 'rollback') throw new RolledBack('rolled back with its answer')
      if (last) await last(tx)
      return result
    })
    settled.catch((err) => {
      if (!handedOver) reject(err)
    })
  })
}
