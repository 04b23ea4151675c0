import type { TFunction } from 'i18next'
import type { TimelineEntry } from './api.ts'

type Activity = Extract<TimelineEntry, { kind: 'activity' }>['activity']

/** How a record type names its fields and shows their values in activity sentences. */
export type FieldDescriber = {
  /** A human label for a changed field, such as "the owner"; null hides the field. */
  label(key: string): string | null
  /** Fields whose values are long text: the sentence says they were edited, without the text. */
  longText?: (key: string) => boolean
  /** Custom field values arrive nested under this key; their labels come from `label("custom.<key>")`. */
  nestedKey?: string
  /** A value in words (a currency code as its name); undefined falls back to the general rules. */
  format?: (key: string, value: unknown) => string | undefined
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const MAX = 80

/** A value as words: member ids become names, lists are joined, addresses become one line. */
export function valueText(value: unknown, people: Record<string, string>, t: TFunction): string {
  if (value === null || value === undefined || value === '') return ''
  if (typeof value === 'boolean') return value ? t('timeline.activity.yes') : t('timeline.activity.no')
  if (typeof value === 'string') {
    if (UUID.test(value)) return people[value] ?? t('timeline.activity.formerMember')
    return value.length > MAX ? `${value.slice(0, MAX - 1)}…` : value
  }
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value))
    return value
      .map((v) => valueText(v, people, t))
      .filter(Boolean)
      .join(', ')
  if (typeof value === 'object')
    return Object.values(value as Record<string, unknown>)
      .map((v) => valueText(v, people, t))
      .filter(Boolean)
      .join(', ')
  return String(value)
}

/** One readable sentence per change: "Mia changed the owner from Olive to Adam". */
export function activitySentences(
  a: Activity,
  people: Record<string, string>,
  fields: FieldDescriber,
  t: TFunction,
): string[] {
  const actor = a.actor?.name ?? t('timeline.activity.someone')
  const verb = a.action.split('.').pop()
  if (verb === 'created' || verb === 'archived' || verb === 'restored' || verb === 'deleted')
    return [t(`timeline.activity.${verb}`, { actor })]
  if (verb !== 'updated' || !a.before || !a.after)
    return [t('timeline.activity.other', { actor, action: a.action })]
  const changes: [string, unknown, unknown][] = []
  for (const key of new Set([...Object.keys(a.before), ...Object.keys(a.after)])) {
    const before = a.before[key]
    const after = a.after[key]
    if (fields.nestedKey === key && isRecord(before) && isRecord(after)) {
      for (const k of new Set([...Object.keys(before), ...Object.keys(after)]))
        if (JSON.stringify(before[k]) !== JSON.stringify(after[k]))
          changes.push([`${key}.${k}`, before[k], after[k]])
    } else changes.push([key, before, after])
  }
  const out: string[] = []
  for (const [key, before, after] of changes) {
    const field = fields.label(key)
    if (field === null) continue
    if (fields.longText?.(key)) {
      out.push(t('timeline.activity.editedText', { actor, field }))
      continue
    }
    const from = fields.format?.(key, before) ?? valueText(before, people, t)
    const to = fields.format?.(key, after) ?? valueText(after, people, t)
    if (from === to) continue
    if (!from) out.push(t('timeline.activity.set', { actor, field, to }))
    else if (!to) out.push(t('timeline.activity.cleared', { actor, field, from }))
    else out.push(t('timeline.activity.changed', { actor, field, from, to }))
  }
  return out.length ? out : [t('timeline.activity.other', { actor, action: a.action })]
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
