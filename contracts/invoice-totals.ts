/**
 * Document totals, exact: every amount is an integer number of minor units, every quantity and
 * percentage a decimal string read into a scaled BigInt, and every division rounds half away from zero
 * once, at a rule named below. The rule (docs/invoices.md, "Totals and rounding"):
 *
 * 1. line amount     = round(quantity × unit price)
 * 2. line discount   = round(amount × pct / 100), or the amount given (≤ the line amount)
 * 3. subtotal        = Σ (amount − line discount)
 * 4. document discount D = round(subtotal × pct / 100), or the amount given (≤ subtotal); it is shared
 *    among the lines in proportion to (amount − line discount), largest remainders first, so the shares
 *    sum to D exactly; each line's base = amount − line discount − its share
 * 5. exclusive taxes, in the line's order: tax = round(taxable × pct / 100), taxable = net (plus the
 *    taxes before it, for a compound tax); net = base; line total = net + Σ tax
 * 6. inclusive taxes: line total = base; net = round(base / F) with F = 1 + every rate as it compounds;
 *    taxes as in 5 from that net; the cent the roundings leave goes to the last non-zero tax, so
 *    net + Σ tax = base exactly
 * 7. document total = Σ line totals + shipping (shipping carries no tax); tax = Σ line taxes
 */

export type TaxInput = {
  id: string
  name: string
  /** Decimal string, 0–100, up to 4 decimals. */
  percent: string
  inclusive: boolean
  compound: boolean
  categoryCode: string
  exemptionReason: string | null
}

export type DiscountInput = { type: 'percent'; value: string } | { type: 'amount'; value: number }

export type LineInput = {
  /** Decimal string, up to 6 decimals, ≥ 0. */
  quantity: string
  /** Minor units, ≥ 0. */
  unitPrice: number
  discount: DiscountInput | null
  /** In the order they apply (compound taxes build on the ones before them). */
  taxes: readonly TaxInput[]
}

export type DocumentInput = {
  lines: readonly LineInput[]
  discount: DiscountInput | null
  shipping: number
}

export type LineTotals = {
  amount: number
  lineDiscount: number
  documentDiscount: number
  net: number
  tax: number
  total: number
  /** Per tax of the line, in order: its taxable base and amount. */
  taxes: { id: string; base: number; amount: number }[]
}

export type DocumentTotals = {
  lines: LineTotals[]
  subtotal: number
  discount: number
  shipping: number
  /** Σ net of the lines (after every discount, without tax). */
  net: number
  tax: number
  /** Tax added on top of prices (exclusive taxes) and tax already inside them (inclusive). */
  taxExclusive: number
  taxInclusive: number
  total: number
  /** One row per tax rate: Σ taxable base and Σ amount over the lines. */
  taxSummary: { id: string; base: number; amount: number }[]
}

export const MAX_MINOR = 10n ** 15n

export class TotalsError extends Error {
  readonly field: string
  constructor(field: string, message: string) {
    super(message)
    this.field = field
  }
}

const QTY_SCALE = 10n ** 6n
/** Percentages are read as ten-thousandths of a percent: "19" → 190000, "7.5" → 75000. */
const PCT_SCALE = 10n ** 6n // percent / 100 = value / 10^6

/** A non-negative decimal string as an integer scaled by 10^digits ("2.5", 6 → 2500000n). */
export function scaled(text: string, digits: number): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim())
  if (!m) throw new TotalsError('', `"${text}" is not a decimal number`)
  const frac = m[2] ?? ''
  if (frac.length > digits) throw new TotalsError('', `"${text}" has more than ${digits} decimals`)
  return BigInt(m[1]! + frac.padEnd(digits, '0'))
}

/** n / d rounded half away from zero (d > 0). */
export function roundDiv(n: bigint, d: bigint): bigint {
  const q = n / d
  const r = n % d
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n
  return q
}

const rateOf = (t: TaxInput) => scaled(t.percent, 4) // percent × 10^4; rate = value / 10^6

function resolveDiscount(d: DiscountInput | null, base: bigint, field: string): bigint {
  if (!d) return 0n
  const v = d.type === 'percent' ? roundDiv(base * scaled(d.value, 4), PCT_SCALE) : BigInt(d.value)
  if (v > base) throw new TotalsError(field, 'must not exceed the amount it discounts (no negative totals)')
  return v
}

/** Taxes computed on top of a net, in order (compound ones on the net plus the taxes before them). */
function exclusiveTaxes(net: bigint, taxes: readonly TaxInput[]): { base: bigint; amount: bigint }[] {
  const out: { base: bigint; amount: bigint }[] = []
  let before = 0n
  for (const t of taxes) {
    const base = t.compound ? net + before : net
    const amount = roundDiv(base * rateOf(t), PCT_SCALE)
    out.push({ base, amount })
    before += amount
  }
  return out
}

/** F = gross / net for these taxes, as a fraction (numerator, denominator). */
function grossFactor(taxes: readonly TaxInput[]): [bigint, bigint] {
  // Each tax's share of the net, c_k = r_k × (1 + Σ_{j<k} c_j if compound), over a common denominator.
  let den = 1n
  const shares: bigint[] = []
  for (const t of taxes) {
    const r = rateOf(t)
    // Bring every earlier share to the new denominator den × 10^6.
    for (let i = 0; i < shares.length; i++) shares[i] = shares[i]! * PCT_SCALE
    const prev = shares.reduce((a, b) => a + b, 0n)
    den *= PCT_SCALE
    shares.push(t.compound ? r * (den / PCT_SCALE) + (r * prev) / PCT_SCALE : r * (den / PCT_SCALE))
  }
  return [den + shares.reduce((a, b) => a + b, 0n), den]
}

function lineTaxes(base: bigint, taxes: readonly TaxInput[], field: string) {
  if (!taxes.length) return { net: base, taxes: [] as { base: bigint; amount: bigint }[] }
  const inclusive = taxes[0]!.inclusive
  if (taxes.some((t) => t.inclusive !== inclusive))
    throw new TotalsError(field, 'a line’s taxes must all be inclusive or all exclusive')
  if (!inclusive) return { net: base, taxes: exclusiveTaxes(base, taxes) }
  const [num, den] = grossFactor(taxes)
  const net = roundDiv(base * den, num)
  const out = exclusiveTaxes(net, taxes)
  const rest = base - net - out.reduce((a, t) => a + t.amount, 0n)
  if (rest !== 0n) {
    let i = out.length - 1
    while (i > 0 && rateOf(taxes[i]!) === 0n) i--
    out[i]!.amount += rest
  }
  return { net, taxes: out }
}

/** Shares of `total` in proportion to `weights` (Σ weights > 0), largest remainders first; Σ = total. */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n)
  if (total === 0n || sum === 0n) return weights.map(() => 0n)
  const shares = weights.map((w) => (total * w) / sum)
  let left = total - shares.reduce((a, b) => a + b, 0n)
  const order = weights
    .map((w, i) => ({ i, r: (total * w) % sum }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1))
  for (const { i } of order) {
    if (left === 0n) break
    shares[i]! += 1n
    left -= 1n
  }
  return shares
}

const num = (v: bigint, field: string): number => {
  if (v > MAX_MINOR || v < -MAX_MINOR) throw new TotalsError(field, 'is more than 10^15 minor units')
  return Number(v)
}

/** The totals of a document by the rule above; a TotalsError names the field that makes them impossible. */
export function computeTotals(doc: DocumentInput): DocumentTotals {
  const firsts = doc.lines.map((l, i) => {
    let qty: bigint
    try {
      qty = scaled(l.quantity, 6)
    } catch {
      throw new TotalsError(`lines.${i}.quantity`, 'must be a decimal quantity with at most 6 decimals')
    }
    const amount = roundDiv(qty * BigInt(l.unitPrice), QTY_SCALE)
    num(amount, `lines.${i}.quantity`)
    const lineDiscount = resolveDiscount(l.discount, amount, `lines.${i}.discount`)
    return { amount, lineDiscount, after: amount - lineDiscount }
  })
  const subtotal = firsts.reduce((a, l) => a + l.after, 0n)
  num(subtotal, 'lines')
  const discount = resolveDiscount(doc.discount, subtotal, 'discount')
  const shares = allocate(
    discount,
    firsts.map((l) => l.after),
  )
  const summary = new Map<string, { id: string; base: bigint; amount: bigint }>()
  let taxExclusive = 0n
  let taxInclusive = 0n
  let net = 0n
  let linesTotal = 0n
  const lines = doc.lines.map((l, i): LineTotals => {
    const f = firsts[i]!
    const base = f.after - shares[i]!
    const t = lineTaxes(base, l.taxes, `lines.${i}.taxRateIds`)
    const tax = t.taxes.reduce((a, x) => a + x.amount, 0n)
    if (l.taxes[0]?.inclusive) taxInclusive += tax
    else taxExclusive += tax
    net += t.net
    linesTotal += t.net + tax
    t.taxes.forEach((x, k) => {
      const id = l.taxes[k]!.id
      const row = summary.get(id) ?? { id, base: 0n, amount: 0n }
      row.base += x.base
      row.amount += x.amount
      summary.set(id, row)
    })
    return {
      amount: Number(f.amount),
      lineDiscount: Number(f.lineDiscount),
      documentDiscount: Number(shares[i]!),
      net: Number(t.net),
      tax: Number(tax),
      total: num(t.net + tax, `lines.${i}`),
      taxes: t.taxes.map((x, k) => ({ id: l.taxes[k]!.id, base: Number(x.base), amount: Number(x.amount) })),
    }
  })
  const total = linesTotal + BigInt(doc.shipping)
  return {
    lines,
    subtotal: Number(subtotal),
    discount: Number(discount),
    shipping: doc.shipping,
    net: Number(net),
    tax: Number(taxExclusive + taxInclusive),
    taxExclusive: num(taxExclusive, 'lines'),
    taxInclusive: Number(taxInclusive),
    total: num(total, 'total'),
    taxSummary: [...summary.values()].map((r) => ({
      id: r.id,
      base: Number(r.base),
      amount: Number(r.amount),
    })),
  }
}
