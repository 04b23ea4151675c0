import { describe, expect, it } from 'vitest'
import { currencyDigits, formatMoney, fromMinorUnits, toMinorUnits } from './money.ts'

describe('money', () => {
  it('takes the digits of each currency from ISO 4217', () => {
    expect(currencyDigits('JPY')).toBe(0)
    expect(currencyDigits('EUR')).toBe(2)
    expect(currencyDigits('BHD')).toBe(3)
    expect(currencyDigits(null)).toBe(2)
    expect(currencyDigits('NOPE')).toBe(2)
  })

  it('reads amounts as people write them into minor units', () => {
    expect(toMinorUnits('1,250.50', 'EUR')).toBe(125050)
    expect(toMinorUnits('12.5', 'EUR')).toBe(1250)
    expect(toMinorUnits('1250', 'JPY')).toBe(1250)
    expect(toMinorUnits('1.250', 'BHD')).toBe(1250)
    expect(toMinorUnits('-3', 'BHD')).toBe(-3000)
    expect(toMinorUnits('-0', 'EUR')).toBe(0)
    expect(toMinorUnits('12.5', 'JPY')).toBeNull()
    expect(toMinorUnits('1.2345', 'BHD')).toBeNull()
    expect(toMinorUnits('abc', 'EUR')).toBeNull()
    expect(toMinorUnits('99999999999999999', 'EUR')).toBeNull()
  })

  it('writes minor units back with the currency digits, exactly', () => {
    expect(fromMinorUnits(125050, 'EUR')).toBe('1250.50')
    expect(fromMinorUnits(1250, 'JPY')).toBe('1250')
    expect(fromMinorUnits(1250, 'BHD')).toBe('1.250')
    expect(fromMinorUnits(-5, 'EUR')).toBe('-0.05')
    expect(fromMinorUnits(900719925474099, 'EUR')).toBe('9007199254740.99')
    expect(fromMinorUnits('12', 'EUR')).toBe('')
    for (const c of ['JPY', 'EUR', 'BHD']) expect(toMinorUnits(fromMinorUnits(123456, c), c)).toBe(123456)
  })

  it('formats for people', () => {
    expect(formatMoney(125050, 'EUR', 'en')).toBe('€1,250.50')
    expect(formatMoney(1250, 'JPY', 'en')).toBe('¥1,250')
  })
})
