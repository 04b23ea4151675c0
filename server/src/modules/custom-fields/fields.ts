import { fromMinorUnits, toMinorUnits } from '../../../../contracts/money.ts'
import type { FieldError } from '../../kernel/http/problem.ts'

/** What the rules below need of a custom field definition. */
export type FieldDef = {
  key: string
  label: string
  type:
    | 'text'
    | 'long_text'
    | 'number'
    | 'money'
    | 'date'
    | 'select'
    | 'multi_select'
    | 'checkbox'
    | 'url'
    | 'email'
  required: boolean
  defaultValue: unknown
  options: string[]
  /** A money field's ISO 4217 currency: how many digits its minor unit has (2 when none). */
  currency?: string | null
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const MAX_TEXT = 500
const MAX_LONG_TEXT = 10000

const isEmpty = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/**
 * Checks one value against its field and returns it normalised (trimmed text, numbers as numbers,
 * dates as YYYY-MM-DD), or an error message. `fromText` accepts the string forms a CSV cell holds.
 */
export function coerceValue(
  def: FieldDef,
  raw: unknown,
  fromText = false,
): { ok: true; value: unknown } | { ok: false; message: string } {
  if (isEmpty(raw)) return { ok: true, value: null }
  const fail = (message: string) => ({ ok: false as const, message })
  switch (def.type) {
    case 'text':
    case 'long_text': {
      if (typeof raw !== 'string') return fail('must be text')
      const v = raw.trim()
      const max = def.type === 'text' ? MAX_TEXT : MAX_LONG_TEXT
      if (v.length > max) return fail(`must be at most ${max} characters`)
      return { ok: true, value: v }
    }
    case 'number': {
      const n = typeof raw === 'string' && fromText ? Number(raw.trim()) : raw
      if (typeof n !== 'number' || !Number.isFinite(n)) return fail('must be a number')
      if (Math.abs(n) >= 1e15) return fail('is too large')
      return { ok: true, value: n }
    }
    case 'money': {
      // Integer minor units of the field's currency; a CSV cell holds the amount ("12.50" EUR is 1250,
      // "1250" JPY is 1250, "1.250" BHD is 1250).
      let n: unknown = raw
      if (typeof raw === 'string' && fromText) {
        n = toMinorUnits(raw, def.currency)
        if (n === null)
          return fail(
            `must be an amount such as ${fromMinorUnits(125000, def.currency)} in ${def.currency ?? 'its currency'}`,
          )
      }
      if (typeof n !== 'number' || !Number.isSafeInteger(n))
        return fail('must be an integer amount in minor units')
      if (Math.abs(n) >= 1e15) return fail('is too large')
      return { ok: true, value: n }
    }
    case 'date': {
      if (typeof raw !== 'string' || !validDate(raw.trim())) return fail('must be a date (YYYY-MM-DD)')
      return { ok: true, value: raw.trim() }
    }
    case 'select': {
      if (typeof raw !== 'string') return fail('must be one of the options')
      const v = raw.trim()
      const match = def.options.find((o) => o.toLowerCase() === v.toLowerCase())
      if (match === undefined) return fail(`must be one of: ${def.options.join(', ')}`)
      return { ok: true, value: match }
    }
    case 'multi_select': {
      const list =
        typeof raw === 'string' && fromText
          ? raw
              .split(/[;,]/)
              .map((s) => s.trim())
              .filter(Boolean)
          : raw
      if (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))
        return fail('must be a list of options')
      const out: string[] = []
      for (const v of list as string[]) {
        const match = def.options.find((o) => o.toLowerCase() === v.trim().toLowerCase())
        if (match === undefined) return fail(`"${v}" is not one of: ${def.options.join(', ')}`)
        if (!out.includes(match)) out.push(match)
      }
      return { ok: true, value: out.length ? out : null }
    }
    case 'checkbox': {
      if (typeof raw === 'boolean') return { ok: true, value: raw }
      if (fromText && typeof raw === 'string') {
        const s = raw.trim().toLowerCase()
        if (['true', 'yes', 'y', '1', 'x'].includes(s)) return { ok: true, value: true }
        if (['false', 'no', 'n', '0'].includes(s)) return { ok: true, value: false }
      }
      return fail('must be true or false')
    }
    case 'url': {
      if (typeof raw !== 'string') return fail('must be an http(s) URL')
      const v = raw.trim()
      try {
        const u = new URL(v)
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return fail('must be an http(s) URL')
      } catch {
        return fail('must be an http(s) URL')
      }
      if (v.length > MAX_TEXT) return fail(`must be at most ${MAX_TEXT} characters`)
      return { ok: true, value: v }
    }
    case 'email': {
      if (typeof raw !== 'string' || !EMAIL.test(raw.trim()) || raw.length > 254)
        return fail('must be an email address')
      return { ok: true, value: raw.trim().toLowerCase() }
    }
  }
}

/**
 * Validates a set of custom values. On create (`base` absent) defaults fill missing fields and required
 * fields must have a value; on update only the given keys change and required fields may not be
 * cleared. Unknown keys are errors. Field errors are named `custom.<key>`.
 */
export function validateCustomValues(
  defs: FieldDef[],
  input: Record<string, unknown>,
  base?: Record<string, unknown>,
  fromText = false,
): { values: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = []
  const byKey = new Map(defs.map((d) => [d.key, d]))
  for (const key of Object.keys(input)) {
    if (!byKey.has(key))
      errors.push({ field: `custom.${key}`, message: 'is not a custom field of this workspace' })
  }
  const values: Record<string, unknown> = {}
  for (const def of defs) {
    const given = Object.hasOwn(input, def.key)
    let value: unknown
    if (given) {
      const r = coerceValue(def, input[def.key], fromText)
      if (!r.ok) {
        errors.push({ field: `custom.${def.key}`, message: r.message })
        continue
      }
      value = r.value
    } else if (base) {
      value = base[def.key] ?? null
    } else {
      value = def.defaultValue ?? null
    }
    if (def.required && isEmpty(value) && (given || !base)) {
      errors.push({ field: `custom.${def.key}`, message: 'is required' })
      continue
    }
    if (!isEmpty(value)) values[def.key] = value
  }
  return { values, errors }
}

/** Checks a field's default value against the field itself. */
export function validateDefault(def: FieldDef): FieldError | null {
  if (def.defaultValue === undefined || def.defaultValue === null) return null
  const r = coerceValue(def, def.defaultValue)
  return r.ok ? null : { field: 'defaultValue', message: r.message }
}

// Order-preserving text form of a number, so range filters and sorts run on the facets' text index.
const OFFSET = 1e15
export function encodeNumber(n: number): string {
  return (n + OFFSET).toFixed(4).padStart(22, '0')
}

/** The facet values a custom value contributes (one per option for multi-selects). */
export function facetValues(def: FieldDef, value: unknown): string[] {
  if (isEmpty(value)) return []
  switch (def.type) {
    case 'long_text':
      return []
    case 'number':
    case 'money':
      return [encodeNumber(value as number)]
    case 'multi_select':
      return (value as string[]).map((v) => v.toLowerCase())
    case 'checkbox':
      return [String(value)]
    default:
      return [String(value).toLowerCase().slice(0, 200)]
  }
}

/** Turns a filter value from a query string into the facet value it must equal, or an error. */
export function facetFilterValue(def: FieldDef, raw: string): string | null {
  if (def.type === 'long_text') return null
  // Money filters are in minor units, like the API's values (CSV cells use major units).
  if (def.type === 'money') return /^-?\d{1,15}$/.test(raw.trim()) ? encodeNumber(Number(raw)) : null
  const r = coerceValue(def, raw, true)
  if (!r.ok || r.value === null) return null
  return facetValues(def, r.value)[0] ?? null
}

export const sortableTypes: FieldDef['type'][] = [
  'text',
  'number',
  'money',
  'date',
  'select',
  'checkbox',
  'url',
  'email',
]
export const rangeTypes: FieldDef['type'][] = ['number', 'money', 'date']

/** Text of a value for search and CSV export. */
export function displayValue(def: FieldDef, value: unknown): string {
  if (isEmpty(value)) return ''
  if (def.type === 'money') return fromMinorUnits(value, def.currency)
  if (Array.isArray(value)) return value.join('; ')
  return String(value)
}
