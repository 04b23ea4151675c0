import { eq } from 'drizzle-orm'
import type { Db } from '../../kernel/db/index.ts'
import { withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'
import { aadOf } from './connections.ts'
import { gatewayConnections } from './schema.ts'
import { type KeyRing, SecretKeyMissing } from './secrets.ts'

export type RotationReport = {
  keyId: string
  resealed: number
  current: number
  /** Connections whose key is not among SECRET_KEY and SECRET_KEY_PREVIOUS (left unchanged). */
  unreadable: { workspaceId: string; gateway: string; keyId: string }[]
}

/**
 * `atrium payments rotate-key`: after SECRET_KEY changed (the former key in SECRET_KEY_PREVIOUS),
 * opens every workspace's gateway secrets sealed under an older key and seals them under the current
 * one, a workspace per transaction, so it can run again after a stop. The plaintext never leaves the
 * process.
 */
export async function rotateGatewaySecrets(db: Db, keys: KeyRing): Promise<RotationReport> {
  const report: RotationReport = { keyId: keys.current.id, resealed: 0, current: 0, unreadable: [] }
  const ids = await db.select({ id: workspaces.id }).from(workspaces)
  for (const { id } of ids)
    await withWorkspace({ db, workspaceId: id }, async (tx) => {
      const rows = await tx.select().from(gatewayConnections).for('update')
      for (const row of rows) {
        if (!keys.isStale(row)) {
          report.current++
          continue
        }
        let plain: string
        try {
          plain = keys.open(row, aadOf(row.workspaceId, row.gateway))
        } catch (err) {
          if (!(err instanceof SecretKeyMissing)) throw err
          report.unreadable.push({ workspaceId: row.workspaceId, gateway: row.gateway, keyId: row.keyId })
          continue
        }
        const sealed = keys.seal(plain, aadOf(row.workspaceId, row.gateway))
        await tx
          .update(gatewayConnections)
          .set({ keyId: sealed.keyId, ciphertext: sealed.ciphertext })
          .where(eq(gatewayConnections.gateway, row.gateway))
        report.resealed++
      }
    })
  return report
}
