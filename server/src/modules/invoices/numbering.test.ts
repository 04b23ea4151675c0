import { describe, expect, it } from 'vitest'
import { formatNumber, patternProblem, periodOf } from './numbering.ts'

describe('number patterns', () => {
  it('formats the date tokens and the zero-padded counter', () => {
    expect(formatNumber('INV-{YYYY}-{SEQ:5}', 42, '2026-03-09')).toBe('INV-2026-00042')
    expect(formatNumber('{YY}{MM}{DD}/{SEQ}', 7, '2026-03-09')).toBe('260309/7')
    expect(formatNumber('Q-{SEQ:3}', 12345, '2026-03-09')).toBe('Q-12345')
    expect(formatNumber('CN {YYYY}.{MM}-{SEQ:2}', 3, '1999-12-31')).toBe('CN 1999.12-03')
  })

  it('runs the counter per year, per month, or for ever', () => {
    expect(periodOf('yearly', '2026-03-09')).toBe('2026')
    expect(periodOf('monthly', '2026-03-09')).toBe('2026-03')
    expect(periodOf('never', '2026-03-09')).toBe('')
  })

  it('accepts usable patterns', () => {
    expect(patternProblem('INV-{YYYY}-{SEQ:5}', 'yearly')).toBeNull()
    expect(patternProblem('{SEQ}', 'never')).toBeNull()
    expect(patternProblem('F{YY}{MM}-{SEQ:4}', 'monthly')).toBeNull()
  })

  it('refuses patterns that would repeat numbers or hold unknown tokens', () => {
    expect(patternProblem('INV-{SEQ:5}', 'yearly')).toMatch(/year/)
    expect(patternProblem('INV-{YYYY}-{SEQ}', 'monthly')).toMatch(/MM/)
    expect(patternProblem('INV-{YYYY}', 'never')).toMatch(/exactly once/)
    expect(patternProblem('{SEQ}-{SEQ}', 'never')).toMatch(/exactly once/)
    expect(patternProblem('INV-{CLIENT}-{SEQ}', 'never')).toMatch(/not a token/)
    expect(patternProblem('INV-{SEQ:0}', 'never')).toMatch(/width/)
    expect(patternProblem('INV-{SEQ:13}', 'never')).toMatch(/width/)
    expect(patternProblem('INV-{SEQ', 'never')).toMatch(/unclosed/)
    expect(patternProblem('INV<{SEQ}>', 'never')).toMatch(/letters/)
    expect(patternProblem(`${'X'.repeat(61)}{SEQ}`, 'never')).toMatch(/60/)
  })
})
