import { describe, expect, it } from 'vitest'
import { isFormula, neutralise, unneutralise } from './csv.ts'

describe('formula guard', () => {
  it.each(['=SUM(A1:A2)', '@SUM(1)', '+cmd', '-2+3', '+A1', '-x', '\tx', '\rx', '=1'])(
    'guards %j, which a spreadsheet would evaluate',
    (cell) => {
      expect(isFormula(cell)).toBe(true)
      expect(neutralise(cell)).toBe(`'${cell}`)
    },
  )

  it.each(['+44 20 7946 0958', '+1 (555) 010-0000', '-12.5', '+49/30/1234', 'Acme', '', "'quoted'", '1+1'])(
    'leaves %j as it is',
    (cell) => {
      expect(isFormula(cell)).toBe(false)
      expect(neutralise(cell)).toBe(cell)
    },
  )

  it('gives back exactly what was exported', () => {
    for (const cell of ['=SUM(1)', '+cmd', '+44 20 7946 0958', "'quoted'", "'", 'plain'])
      expect(unneutralise(neutralise(cell))).toBe(cell)
    expect(unneutralise("'hello")).toBe("'hello")
  })
})
