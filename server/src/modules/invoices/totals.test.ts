import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  allocate,
  computeTotals,
  type DocumentInput,
  type LineInput,
  roundDiv,
  type TaxInput,
  TotalsError,
} from './totals.ts'

const tax = (id: string, percent: string, opts: Partial<TaxInput> = {}): TaxInput => ({
  id,
  name: id,
  percent,
  inclusive: false,
  compound: false,
  categoryCode: 'S',
  exemptionReason: null,
  ...opts,
})
const line = (
  quantity: string,
  unitPrice: number,
  taxes: TaxInput[] = [],
  discount: LineInput['discount'] = null,
) => ({
  quantity,
  unitPrice,
  taxes,
  discount,
})

describe('totals: examples', () => {
  it('rounds each line half away from zero, then sums', () => {
    // 3 × 0.333 hours at 10.00 = 9.99; 19% of 9.99 = 1.8981 → 1.90
    const t = computeTotals({ lines: [line('0.333', 1000, [tax('vat', '19')])], discount: null, shipping: 0 })
    expect(t.lines[0]).toMatchObject({ amount: 333, net: 333, tax: 63, total: 396 })
    const two = computeTotals({
      lines: [line('1', 5, [tax('vat', '10')]), line('1', 5, [tax('vat', '10')])],
      discount: null,
      shipping: 0,
    })
    // 10% of 5 is 0.5 → 1 per line (half away from zero): 2 in all, where a document-level 10% of 10 is 1.
    expect(two.tax).toBe(2)
    expect(two.total).toBe(12)
  })

  it('applies a compound tax on the net plus the taxes before it', () => {
    const t = computeTotals({
      lines: [line('1', 10_000, [tax('gst', '5'), tax('qst', '9.975', { compound: true })])],
      discount: null,
      shipping: 0,
    })
    // 5% of 100.00 = 5.00; 9.975% of 105.00 = 10.47375 → 10.47
    expect(t.lines[0]!.taxes.map((x) => x.amount)).toEqual([500, 1047])
    expect(t.total).toBe(11_547)
  })

  it('backs inclusive taxes out of the price, keeping the entered total', () => {
    const t = computeTotals({
      lines: [line('1', 11_900, [tax('vat', '19', { inclusive: true })])],
      discount: null,
      shipping: 0,
    })
    expect(t.lines[0]).toMatchObject({ net: 10_000, tax: 1_900, total: 11_900 })
    expect(t.taxInclusive).toBe(1_900)
    expect(t.total).toBe(11_900)
    const odd = computeTotals({
      lines: [
        line('1', 1_000, [
          tax('a', '7', { inclusive: true }),
          tax('b', '3', { inclusive: true, compound: true }),
        ]),
      ],
      discount: null,
      shipping: 0,
    })
    expect(odd.lines[0]!.net + odd.lines[0]!.tax).toBe(1_000)
  })

  it('spreads a document discount over the lines before tax, to the minor unit', () => {
    const t = computeTotals({
      lines: [line('1', 1_000, [tax('vat', '20')]), line('1', 2_000, [tax('vat', '20')]), line('1', 1, [])],
      discount: { type: 'amount', value: 100 },
      shipping: 500,
    })
    expect(t.lines.map((l) => l.documentDiscount)).toEqual([33, 67, 0])
    expect(t.subtotal).toBe(3_001)
    expect(t.discount).toBe(100)
    expect(t.total).toBe(t.subtotal - t.discount + t.taxExclusive + t.shipping)
  })

  it('refuses discounts above what they discount (a negative total), naming the field', () => {
    expect(() =>
      computeTotals({
        lines: [line('1', 100, [], { type: 'amount', value: 101 })],
        discount: null,
        shipping: 0,
      }),
    ).toThrow(expect.objectContaining({ field: 'lines.0.discount' }))
    expect(() =>
      computeTotals({ lines: [line('1', 100)], discount: { type: 'amount', value: 101 }, shipping: 0 }),
    ).toThrow(TotalsError)
  })

  it('refuses amounts above 10^15 minor units', () => {
    expect(() => computeTotals({ lines: [line('1000000', 10 ** 12)], discount: null, shipping: 0 })).toThrow(
      expect.objectContaining({ field: 'lines.0.quantity' }),
    )
  })

  it('refuses a line mixing inclusive and exclusive taxes', () => {
    expect(() =>
      computeTotals({
        lines: [line('1', 100, [tax('a', '5'), tax('b', '5', { inclusive: true })])],
        discount: null,
        shipping: 0,
      }),
    ).toThrow(expect.objectContaining({ field: 'lines.0.taxRateIds' }))
  })

  it('rounds half away from zero', () => {
    expect(roundDiv(5n, 10n)).toBe(1n)
    expect(roundDiv(-5n, 10n)).toBe(-1n)
    expect(roundDiv(4n, 10n)).toBe(0n)
    expect(roundDiv(15n, 10n)).toBe(2n)
  })
})

// ---- properties -------------------------------------------------------------------------------------

const decimal = (maxInt: number, frac: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: 10 ** frac - 1 }))
    .map(([i, f]) => (frac ? `${i}.${String(f).padStart(frac, '0')}` : String(i)))
const percent = fc.oneof(decimal(30, 2), fc.constantFrom('0', '5', '7.5', '19', '20', '9.975', '100'))
const taxes = fc
  .boolean()
  .chain((inclusive) =>
    fc
      .array(fc.record({ percent, compound: fc.boolean() }), { maxLength: 3 })
      .map((list) => list.map((t, i) => tax(`t${i}`, t.percent, { inclusive, compound: t.compound }))),
  )
const percentOff = fc.option(
  percent.map((v) => ({ type: 'percent' as const, value: v })),
  { nil: null },
)
const lineArb = fc.record({
  quantity: decimal(1000, 3),
  unitPrice: fc.integer({ min: 0, max: 10_000_000 }),
  taxes,
  discount: percentOff,
})
const docArb: fc.Arbitrary<DocumentInput> = fc.record({
  lines: fc.array(lineArb, { minLength: 1, maxLength: 12 }),
  discount: percentOff,
  shipping: fc.integer({ min: 0, max: 100_000 }),
})

describe('totals: properties', () => {
  it('the total is the sum of the line totals plus shipping, and each line is net plus tax', () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        const t = computeTotals(doc)
        const sum = t.lines.reduce((a, l) => a + l.total, 0)
        expect(t.total).toBe(sum + t.shipping)
        for (const l of t.lines) {
          expect(l.total).toBe(l.net + l.tax)
          expect(l.tax).toBe(l.taxes.reduce((a, x) => a + x.amount, 0))
          expect(Number.isSafeInteger(l.total)).toBe(true)
        }
        expect(t.tax).toBe(t.lines.reduce((a, l) => a + l.tax, 0))
        expect(t.net).toBe(t.lines.reduce((a, l) => a + l.net, 0))
      }),
    )
  })

  it('subtotal − discount + exclusive tax + shipping = total; the discount shares sum to the discount', () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        const t = computeTotals(doc)
        expect(t.total).toBe(t.subtotal - t.discount + t.taxExclusive + t.shipping)
        expect(t.lines.reduce((a, l) => a + l.documentDiscount, 0)).toBe(t.discount)
        expect(t.total).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('an inclusive line keeps its price after discounts as its total; an exclusive one adds tax to it', () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        const t = computeTotals(doc)
        t.lines.forEach((l, i) => {
          const base = l.amount - l.lineDiscount - l.documentDiscount
          if (doc.lines[i]!.taxes[0]?.inclusive) expect(l.total).toBe(base)
          else expect(l.net).toBe(base)
          expect(l.tax).toBeGreaterThanOrEqual(0)
        })
      }),
    )
  })

  it('each exclusive simple tax is within half a minor unit of the exact rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), percent, (net, p) => {
        const t = computeTotals({ lines: [line('1', net, [tax('t', p)])], discount: null, shipping: 0 })
        const exact = (net * Number(p)) / 100
        expect(Math.abs(t.tax - exact)).toBeLessThanOrEqual(0.5 + 1e-6 * Math.max(1, exact))
      }),
    )
  })

  it('crediting every line and the shipping credits the total exactly (the balance reaches zero)', () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        const t = computeTotals(doc)
        const credited = t.lines.reduce((a, l) => a + l.total, 0) + t.shipping
        expect(t.total - credited).toBe(0)
      }),
    )
  })

  it('allocation is exact and proportional within one unit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10 ** 9 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 10 ** 9 }),
        (weights, total) => {
          const sum = weights.reduce((a, b) => a + b, 0)
          fc.pre(sum > 0 && total <= sum)
          const shares = allocate(BigInt(total), weights.map(BigInt))
          expect(shares.reduce((a, b) => a + b, 0n)).toBe(BigInt(total))
          shares.forEach((s, i) => {
            const exact = (total * weights[i]!) / sum
            expect(Math.abs(Number(s) - exact)).toBeLessThan(1 + 1e-6 * exact)
          })
        },
      ),
    )
  })
})
