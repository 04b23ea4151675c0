import {
  computeTotals,
  type DiscountInput,
  type DocumentTotals,
  type TaxInput,
} from '../../../../contracts/invoice-totals.ts'
import {
  type CreateDocument,
  fromMinorUnits,
  type InvoiceDocument,
  type TaxRate,
  toMinorUnits,
} from './api.ts'

export type DiscountKind = 'percent' | 'amount'

/** A line as typed: every number is still text, so a half-typed value never jumps. */
export type LineDraft = {
  key: string
  productId: string | null
  description: string
  quantity: string
  unit: string
  unitPrice: string
  discountKind: DiscountKind
  discount: string
  taxRateIds: string[]
}

export type EditorDraft = {
  client: { id: string; name: string } | null
  currency: string
  issueDate: string
  dueDate: string
  poNumber: string
  notes: string
  terms: string
  discountKind: DiscountKind
  discount: string
  shipping: string
  lines: LineDraft[]
}

let keys = 0
const nextKey = () => `l${++keys}`

export const emptyLine = (): LineDraft => ({
  key: nextKey(),
  productId: null,
  description: '',
  quantity: '1',
  unit: '',
  unitPrice: '',
  discountKind: 'percent',
  discount: '',
  taxRateIds: [],
})

export function emptyDraft(currency: string): EditorDraft {
  return {
    client: null,
    currency,
    issueDate: '',
    dueDate: '',
    poNumber: '',
    notes: '',
    terms: '',
    discountKind: 'percent',
    discount: '',
    shipping: '',
    lines: [emptyLine()],
  }
}

const discountText = (d: InvoiceDocument['discount'], currency: string): [DiscountKind, string] =>
  !d
    ? ['percent', '']
    : d.type === 'percent'
      ? ['percent', String(d.value)]
      : ['amount', fromMinorUnits(Number(d.value), currency)]

/** A saved draft as the editor shows it. */
export function draftOf(doc: InvoiceDocument): EditorDraft {
  const [discountKind, discount] = discountText(doc.discount, doc.currency)
  return {
    client: doc.client,
    currency: doc.currency,
    issueDate: doc.issueDate ?? '',
    dueDate: doc.dueDate ?? '',
    poNumber: doc.poNumber ?? '',
    notes: doc.notes ?? '',
    terms: doc.terms ?? '',
    discountKind,
    discount,
    shipping: doc.shipping ? fromMinorUnits(doc.shipping, doc.currency) : '',
    lines: doc.lines.map((line) => {
      const [kind, value] = discountText(line.discount, doc.currency)
      return {
        key: nextKey(),
        productId: line.productId,
        description: line.description,
        quantity: line.quantity,
        unit: line.unit ?? '',
        unitPrice: fromMinorUnits(line.unitPrice, doc.currency),
        discountKind: kind,
        discount: value,
        taxRateIds: line.taxes.map((tax) => tax.taxRateId),
      }
    }),
  }
}

export type EditorAction =
  | { type: 'set'; patch: Partial<Omit<EditorDraft, 'lines'>> }
  | { type: 'line'; key: string; patch: Partial<LineDraft> }
  | { type: 'add' }
  | { type: 'remove'; key: string }
  | { type: 'move'; key: string; by: -1 | 1 }
  | { type: 'reset'; draft: EditorDraft }

/** Only the line that changed gets a new object, so the other rows (memoised) do not render again. */
export function editorReducer(state: EditorDraft, action: EditorAction): EditorDraft {
  switch (action.type) {
    case 'set':
      return { ...state, ...action.patch }
    case 'line':
      return {
        ...state,
        lines: state.lines.map((line) => (line.key === action.key ? { ...line, ...action.patch } : line)),
      }
    case 'add':
      return { ...state, lines: [...state.lines, emptyLine()] }
    case 'remove':
      return { ...state, lines: state.lines.filter((line) => line.key !== action.key) }
    case 'move': {
      const lines = [...state.lines]
      const from = lines.findIndex((line) => line.key === action.key)
      const to = from + action.by
      if (from < 0 || to < 0 || to >= lines.length) return state
      const [line] = lines.splice(from, 1)
      lines.splice(to, 0, line as LineDraft)
      return { ...state, lines }
    }
    case 'reset':
      return action.draft
  }
}

const blank = (text: string) => text.trim() === ''
const percentText = (text: string) => text.trim().replace(',', '.')

function discountOf(kind: DiscountKind, text: string, currency: string): DiscountInput | null | 'bad' {
  if (blank(text)) return null
  if (kind === 'percent') {
    const value = percentText(text)
    return /^\d{1,3}(\.\d{1,4})?$/.test(value) && Number(value) <= 100 ? { type: 'percent', value } : 'bad'
  }
  const minor = toMinorUnits(text, currency)
  return minor === null || minor < 0 ? 'bad' : { type: 'amount', value: minor }
}

/** What the editor sends: the whole invoice in one request. Text the server must judge is sent as typed. */
export function inputOf(draft: EditorDraft): CreateDocument {
  const money = (text: string) =>
    blank(text) ? undefined : (toMinorUnits(text, draft.currency) ?? Number.NaN)
  const discount = (kind: DiscountKind, text: string) => {
    const d = discountOf(kind, text, draft.currency)
    if (d === 'bad')
      return kind === 'percent'
        ? { type: 'percent' as const, value: percentText(text) }
        : { type: 'amount' as const, value: Number.NaN }
    return d
  }
  return {
    clientId: draft.client?.id ?? '',
    currency: draft.currency || undefined,
    issueDate: draft.issueDate || null,
    dueDate: draft.dueDate || null,
    poNumber: draft.poNumber || null,
    notes: draft.notes || null,
    terms: draft.terms || null,
    discount: discount(draft.discountKind, draft.discount),
    shipping: money(draft.shipping) ?? 0,
    lines: draft.lines.map((line) => ({
      productId: line.productId,
      description: line.description,
      quantity: line.quantity.trim().replace(',', '.') || '0',
      unit: line.unit || null,
      unitPrice: money(line.unitPrice) ?? 0,
      discount: discount(line.discountKind, line.discount),
      taxRateIds: line.taxRateIds,
    })),
  }
}

const taxInput = (rate: TaxRate): TaxInput => ({
  id: rate.id,
  name: rate.name,
  percent: rate.percent,
  inclusive: rate.inclusive,
  compound: rate.compound,
  categoryCode: rate.categoryCode,
  exemptionReason: rate.exemptionReason,
})

export type LiveTotals = { totals: DocumentTotals | null; error: { field: string; message: string } | null }

/**
 * The totals of what is typed, by the server's own rule (contracts/invoice-totals.ts). A line whose
 * numbers do not read yet counts as zero; a total the rule refuses names its field.
 */
export function liveTotals(draft: EditorDraft, rates: ReadonlyMap<string, TaxRate>): LiveTotals {
  const money = (text: string) => (blank(text) ? 0 : Math.max(0, toMinorUnits(text, draft.currency) ?? 0))
  const quantity = (text: string) => {
    const value = text.trim().replace(',', '.')
    return /^\d{1,9}(\.\d{1,6})?$/.test(value) ? value : '0'
  }
  const discount = (kind: DiscountKind, text: string) => {
    const d = discountOf(kind, text, draft.currency)
    return d === 'bad' ? null : d
  }
  try {
    const totals = computeTotals({
      discount: discount(draft.discountKind, draft.discount),
      shipping: money(draft.shipping),
      lines: draft.lines.map((line) => ({
        quantity: quantity(line.quantity),
        unitPrice: money(line.unitPrice),
        discount: discount(line.discountKind, line.discount),
        taxes: line.taxRateIds.flatMap((id) => {
          const rate = rates.get(id)
          return rate ? [taxInput(rate)] : []
        }),
      })),
    })
    return { totals, error: null }
  } catch (error) {
    const field = error && typeof error === 'object' && 'field' in error ? String(error.field) : ''
    return { totals: null, error: { field, message: error instanceof Error ? error.message : String(error) } }
  }
}
