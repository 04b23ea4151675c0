/**
 * Document number patterns such as `INV-{YYYY}-{SEQ:5}`: literal text with tokens {YYYY} {YY} {MM}
 * {DD} (of the issue date) and {SEQ} or {SEQ:n} (the counter, zero-padded to n digits). The counter
 * runs per workspace, document type and period: the year when numbers reset yearly, the month when
 * monthly, one period for ever when they never reset.
 */

export type NumberReset = 'yearly' | 'monthly' | 'never'

const TOKEN = /\{([A-Z]+)(?::(\d+))?\}/g
const LITERAL = /^[\p{L}\p{N} ./_#-]*$/u

/** What is wrong with a pattern for this reset, or null when it is usable. */
export function patternProblem(pattern: string, reset: NumberReset): string | null {
  if (pattern.length > 60) return 'must be at most 60 characters'
  const tokens = [...pattern.matchAll(TOKEN)]
  const rest = pattern.replace(TOKEN, '')
  if (/[{}]/.test(rest)) return 'has an unclosed or unknown {token}'
  if (!LITERAL.test(rest)) return 'may hold letters, digits, spaces and . / _ # - around its tokens'
  let seq = 0
  for (const [, name, width] of tokens) {
    if (name === 'SEQ') {
      seq++
      if (width !== undefined && (Number(width) < 1 || Number(width) > 12))
        return '{SEQ:n} takes a width from 1 to 12'
    } else if (!['YYYY', 'YY', 'MM', 'DD'].includes(name!) || width !== undefined)
      return `{${name}${width ? `:${width}` : ''}} is not a token; use {YYYY} {YY} {MM} {DD} {SEQ} {SEQ:n}`
  }
  if (seq !== 1) return 'must hold the counter exactly once: {SEQ} or {SEQ:n}'
  const names = tokens.map((t) => t[1])
  const hasYear = names.includes('YYYY') || names.includes('YY')
  if (reset === 'yearly' && !hasYear) return 'must hold {YYYY} or {YY} when numbers reset every year'
  if (reset === 'monthly' && !(hasYear && names.includes('MM')))
    return 'must hold the year and {MM} when numbers reset every month'
  return null
}

/** The counter's period for an issue date (`YYYY-MM-DD`). */
export function periodOf(reset: NumberReset, issueDate: string): string {
  if (reset === 'yearly') return issueDate.slice(0, 4)
  if (reset === 'monthly') return issueDate.slice(0, 7)
  return ''
}

/** The number for counter value `seq` issued on `issueDate` (`YYYY-MM-DD`). */
export function formatNumber(pattern: string, seq: number, issueDate: string): string {
  const [y = '', m = '', d = ''] = issueDate.split('-')
  return pattern.replace(TOKEN, (_all, name: string, width?: string) => {
    switch (name) {
      case 'YYYY':
        return y
      case 'YY':
        return y.slice(-2)
      case 'MM':
        return m
      case 'DD':
        return d
      default:
        return String(seq).padStart(width ? Number(width) : 1, '0')
    }
  })
}

export const defaultNumbering = {
  invoice: { pattern: 'INV-{YYYY}-{SEQ:5}', reset: 'yearly' as NumberReset },
  quote: { pattern: 'QUO-{YYYY}-{SEQ:5}', reset: 'yearly' as NumberReset },
  credit_note: { pattern: 'CN-{YYYY}-{SEQ:5}', reset: 'yearly' as NumberReset },
}
