import { type SQL, sql } from 'drizzle-orm'
import type { DocumentKind } from '../../../../contracts/invoices.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import type { RecordType } from '../../kernel/search/index.ts'
import { declaredFilters, facetCondition, listValues, searchText } from '../../kernel/search/list.ts'
import { type FieldDef, facetFilterValue, loadFieldDefs, rangeTypes } from '../custom-fields/index.ts'
import { visibleDocuments } from './documents.ts'
import { documentRecords, invoiceOnlyFilters } from './search.ts'

/**
 * The WHERE conditions of a document list from its query parameters: the kind, the member rule, the
 * record type's declared filters (status, client, currency, issue and due days, created, total and
 * balance ranges, overdue) and invoices' custom fields; bad values are one 400 naming each parameter.
 */
export async function documentListConditions(
  tx: Tx,
  ctx: Pick<ServiceContext, 'actor'>,
  kind: DocumentKind,
  q: Record<string, unknown>,
): Promise<{ conditions: SQL[]; search: string | null }> {
  const errors: FieldError[] = []
  const type = documentRecords[kind]
  if (kind !== 'invoice')
    for (const param of invoiceOnlyFilters)
      if (q[param] !== undefined && q[param] !== '')
        errors.push({ field: param, message: 'applies to invoices only' })
  const conditions = declaredFilters(type, { userId: ctx.actor.userId, seesAll: true }, q, errors)
  conditions.unshift(sql`d.kind = ${kind}`)
  const vis = visibleDocuments(ctx)
  if (vis) conditions.push(vis)
  const defs =
    kind === 'invoice' && Object.keys(q).some((k) => k.startsWith('cf.'))
      ? await loadFieldDefs(tx, 'invoice')
      : []
  conditions.push(...customFieldFilters(type, q, defs, errors))
  if (errors.length) throw problems.validation(errors, 'The filter is not valid.')
  return { conditions, search: searchText(q.q) || null }
}

/** Custom field filters of invoices: `cf.<key>=a,b` (any of them) and `cf.<key>.min` / `.max` ranges. */
function customFieldFilters(
  type: RecordType,
  q: Record<string, unknown>,
  defs: FieldDef[],
  errors: FieldError[],
) {
  const conditions: SQL[] = []
  const byKey = new Map(defs.map((d) => [d.key, d]))
  for (const [param, raw] of Object.entries(q)) {
    if (!param.startsWith('cf.') || raw === undefined || raw === '') continue
    const m = /^cf\.([a-z][a-z0-9_]{0,39})(?:\.(min|max))?$/.exec(param)
    const def = m ? byKey.get(m[1]!) : undefined
    if (!m || !def) {
      errors.push({ field: param, message: 'is not a custom field of invoices' })
      continue
    }
    const values = listValues(raw).map((v) => facetFilterValue(def, v))
    if (!values.length || values.some((v) => v === null)) {
      errors.push({ field: param, message: 'is not a valid value for this field' })
      continue
    }
    if (m[2]) {
      if (!rangeTypes.includes(def.type))
        errors.push({ field: param, message: 'ranges apply to number, money and date fields' })
      else
        conditions.push(
          ...facetCondition(type, `cf.${def.key}`, [values[0]!], 'all', m[2] === 'min' ? '>=' : '<='),
        )
    } else conditions.push(...facetCondition(type, `cf.${def.key}`, values as string[], 'any'))
  }
  return conditions
}
