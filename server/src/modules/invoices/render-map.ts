import type { DocumentView } from './documents.ts'
import type {
  BankDetails,
  Buyer,
  DocumentLine,
  DocumentStatus,
  DocumentTemplate,
  PostalAddress,
  RenderableDocument,
  Seller,
  TaxCategoryCode,
} from './render/document.ts'

type Address = {
  line1?: string | null
  line2?: string | null
  city?: string | null
  region?: string | null
  postalCode?: string | null
  country?: string | null
  countryCode?: string | null
} | null

/** The client's billing details as the snapshot keeps them (`getBillingClient`). */
export type BuyerDetails = {
  name: string
  legalName: string | null
  email: string | null
  taxId: string | null
  billingAddress: Address
  language: string | null
  contactName: string | null
}

/** The workspace's legal details as the settings keep them (`LegalDetailsSchema`). */
export type SellerDetails = {
  name?: string | null
  legalName?: string | null
  address?: Address
  taxId?: string | null
  vatId?: string | null
  registrationId?: string | null
  email?: string | null
  phone?: string | null
  website?: string | null
  bank?: { accountName?: string | null; iban: string; bic?: string | null; bankName?: string | null } | null
}

export type RenderSource = {
  document: DocumentView
  seller: SellerDetails
  buyer: BuyerDetails
  template: string
  brandColor: string
  paymentInstructions: string | null
  /** The credited invoice's number and issue date, for a credit note. */
  credited?: { number: string | null; issueDate: string | null } | null
  workspaceName: string
}

const postal = (a: Address): PostalAddress => ({
  line1: a?.line1 ?? '',
  line2: a?.line2 ?? null,
  city: a?.city ?? '',
  postalCode: a?.postalCode ?? '',
  region: a?.region ?? null,
  countryCode: (a?.countryCode ?? a?.country ?? '').toUpperCase(),
})
const lines = (a: Address) =>
  [a?.line1, a?.line2, [a?.postalCode, a?.city].filter(Boolean).join(' '), a?.region].filter(
    (x): x is string => Boolean(x),
  )

/** A locale for dates and amounts from the client's language (`de` → `de`, none → `en`). */
const localeOf = (language: string | null) =>
  language && /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(language) ? language : 'en'

/**
 * The view model the renderers take, from a stored document: for a sent one, what its snapshot froze
 * (seller, buyer, template, lines and totals), with its live status and amount due. Amounts follow the
 * EN 16931 reading: a line's net is before the document discount (for exclusive taxes), the discount
 * is a document allowance, and subtotal − discount + tax + shipping = total.
 */
export function toRenderable(
  s: RenderSource,
  live?: { status: string; paid: number; balance: number },
): RenderableDocument {
  const d = s.document
  const mapped: DocumentLine[] = d.lines.map((l) => {
    const inclusive = l.taxes[0]?.inclusive ?? false
    const net = inclusive ? l.net : l.amount - l.lineDiscount
    return {
      description: l.description,
      details: null,
      quantity: l.quantity,
      unitName: l.unit ?? '',
      unitCode: l.unitCode,
      unitPrice: l.unitPrice,
      discount: inclusive ? l.lineDiscount + l.documentDiscount : l.lineDiscount,
      net,
      tax: l.tax,
      total: net + l.tax,
      taxes: l.taxes.map((t) => ({
        name: t.name,
        percent: t.percent,
        categoryCode: t.categoryCode as TaxCategoryCode,
        inclusive: t.inclusive,
        compound: t.compound,
        amount: t.amount,
        exemptionReason: t.exemptionReason,
      })),
    }
  })
  const exclusiveDiscount = d.lines.reduce(
    (a, l) => a + ((l.taxes[0]?.inclusive ?? false) ? 0 : l.documentDiscount),
    0,
  )
  const category = new Map(d.lines.flatMap((l) => l.taxes.map((t) => [t.taxRateId, t] as const)))
  const seller: Seller = {
    name: s.seller.name || s.workspaceName,
    legalName: s.seller.legalName ?? null,
    addressLines: lines(s.seller.address ?? null),
    address: postal(s.seller.address ?? null),
    taxId: s.seller.taxId ?? null,
    vatId: s.seller.vatId ?? null,
    registrationId: s.seller.registrationId ?? null,
    email: s.seller.email ?? null,
    phone: s.seller.phone ?? null,
    website: s.seller.website ?? null,
    logo: null,
    bank: s.seller.bank
      ? ({
          accountName: s.seller.bank.accountName ?? null,
          iban: s.seller.bank.iban,
          bic: s.seller.bank.bic ?? null,
          bankName: s.seller.bank.bankName ?? null,
        } satisfies BankDetails)
      : null,
  }
  const buyer: Buyer = {
    name: s.buyer.name,
    legalName: s.buyer.legalName,
    contactName: s.buyer.contactName,
    address: postal(s.buyer.billingAddress),
    taxId: s.buyer.taxId,
    email: s.buyer.email,
    buyerReference: d.poNumber,
  }
  const status = (live?.status ?? d.status) as DocumentStatus
  const paid = live?.paid ?? d.paid
  const amountDue = d.kind === 'invoice' ? (live?.balance ?? d.balance) : 0
  return {
    kind: d.kind,
    number: d.number,
    status,
    issueDate: d.issueDate ?? new Date().toISOString().slice(0, 10),
    dueDate: d.dueDate,
    poNumber: d.poNumber,
    currency: d.currency,
    locale: localeOf(s.buyer.language),
    template: (['classic', 'modern', 'compact'].includes(s.template)
      ? s.template
      : 'classic') as DocumentTemplate,
    brandColor: s.brandColor,
    seller,
    buyer,
    lines: mapped,
    taxSummary: d.taxSummary.map((t) => ({
      name: t.name,
      percent: t.percent,
      categoryCode: (category.get(t.taxRateId)?.categoryCode ?? 'S') as TaxCategoryCode,
      base: t.base,
      amount: t.amount,
      exemptionReason: category.get(t.taxRateId)?.exemptionReason ?? null,
    })),
    totals: {
      subtotal: mapped.reduce((a, l) => a + l.net, 0),
      discount: exclusiveDiscount,
      shipping: d.shipping,
      tax: d.taxTotal,
      total: d.total,
      paid,
      amountDue,
    },
    notes: d.notes,
    terms: d.terms,
    footer: d.footer,
    paymentInstructions: s.paymentInstructions,
    creditedInvoiceNumber: s.credited?.number ?? null,
    creditedInvoiceDate: s.credited?.issueDate ?? null,
  }
}
