import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'

/** What the timeline needs to know about a record type that has one (clients, later invoices, tickets). */
export type TimelineRecordType = {
  /** The `recordType` in URLs and rows, such as `client`. */
  type: string
  /** What a record of this type is called in messages, such as `Client`. */
  noun: string
  /**
   * The labels of the records among `ids` that the actor may see, by id; records the actor may not see
   * and records that do not exist are left out alike. Runs inside the caller's workspace transaction.
   */
  visible(
    tx: Tx,
    ctx: Pick<ServiceContext, 'actor' | 'workspaceId'>,
    ids: string[],
  ): Promise<Map<string, string>>
  /** The web app's path of a record, for links in emails. */
  path(id: string): string
}

const registry = new Map<string, TimelineRecordType>()

/** Gives a record type a timeline. Registering the same type again replaces it. */
export function registerTimelineRecordType(def: TimelineRecordType): void {
  registry.set(def.type, def)
}

export function recordType(type: string): TimelineRecordType {
  const def = registry.get(type)
  if (!def) throw problems.notFound('Record type')
  return def
}

/** The record's label when the actor may see it; 404 otherwise, the same whether it exists or not. */
export async function assertRecordVisible(
  tx: Tx,
  ctx: Pick<ServiceContext, 'actor' | 'workspaceId'>,
  type: string,
  id: string,
): Promise<string> {
  const def = recordType(type)
  const label = (await def.visible(tx, ctx, [id])).get(id)
  if (label === undefined) throw problems.notFound(def.noun)
  return label
}

/** Labels of the visible records among a mixed list of references, keyed `type:id`. */
export async function visibleRecords(
  tx: Tx,
  ctx: Pick<ServiceContext, 'actor' | 'workspaceId'>,
  refs: { recordType: string; recordId: string }[],
): Promise<Map<string, string>> {
  const byType = new Map<string, string[]>()
  for (const r of refs) byType.set(r.recordType, [...(byType.get(r.recordType) ?? []), r.recordId])
  const out = new Map<string, string>()
  for (const [type, ids] of byType) {
    const def = registry.get(type)
    if (!def) continue
    for (const [id, label] of await def.visible(tx, ctx, [...new Set(ids)])) out.set(`${type}:${id}`, label)
  }
  return out
}
