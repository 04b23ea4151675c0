/**
 * The view model every invoice renderer takes (PDF, EN 16931 e-invoice, email). The invoices service maps a
 * stored (or frozen, for sent documents) quote, invoice or credit note to this shape; the renderers never
 * read the database. All amounts are integer minor units of `currency` (ISO 4217 digits, see
 * contracts/money.ts); quantities and percentages are decimal strings so nothing passes through a float.
 */

export type DocumentKind = 'invoice' | 'quote' | 'credit_note'

export type DocumentTemplate = 'classic' | 'modern' | 'compact'

/** Lifecycle status as stored; renderers only treat 'draft' specially (a "DRAFT" mark, no number). */
export type DocumentStatus =
  | 'draft'
  | 'sent'
  | 'viewed'
  | 'accepted'
  | 'declined'
  | 'expired'
  | 'converted'
  | 'partially_paid'
  | 'paid'
  | 'overdue'
  | 'void'
  | 'issued'

/** A postal address, structured for EN 16931 (BG-5 / BG-8). */
export interface PostalAddress {
  line1: string
  line2?: string | null
  city: string
  postalCode: string
  /** State, province, region (BT-39 / BT-54). */
  region?: string | null
  /** ISO 3166-1 alpha-2, upper case ("DE", "FR"). */
  countryCode: string
}

export interface Logo {
  bytes: Uint8Array
  mime: 'image/png' | 'image/jpeg'
}

export interface BankDetails {
  /** Account holder / account name (BT-85). */
  accountName?: string | null
  iban: string
  bic?: string | null
  bankName?: string | null
}

export interface Seller {
  name: string
  /** Legal registered name when it differs from the trading name (BT-28/BT-27). */
  legalName?: string | null
  /** Free address lines as printed on the document; when empty, renderers print `address`. */
  addressLines: string[]
  address: PostalAddress
  /** Local tax registration (BT-32), e.g. a German Steuernummer. */
  taxId?: string | null
  /** VAT identifier with country prefix (BT-31), e.g. "DE123456789". */
  vatId?: string | null
  /** Company registration number (BT-30). */
  registrationId?: string | null
  email?: string | null
  phone?: string | null
  website?: string | null
  logo: Logo | null
  bank: BankDetails | null
}

export interface Buyer {
  /** Display name of the client. */
  name: string
  /** Registered legal name, when known and different (BT-44 falls back to `name`). */
  legalName?: string | null
  /** Contact person (BT-56). */
  contactName?: string | null
  address: PostalAddress
  taxId?: string | null
  vatId?: string | null
  email?: string | null
  /** Buyer reference / Leitweg-ID for XRechnung (BT-10); defaults to the PO number or document number. */
  buyerReference?: string | null
}

/**
 * EN 16931 VAT category code (UNTDID 5305): S standard, Z zero rated, E exempt, AE reverse charge,
 * K intra-community, G export, O outside scope, L/M Canary Islands / Ceuta-Melilla.
 */
export type TaxCategoryCode = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O' | 'L' | 'M'

export interface LineTax {
  name: string
  /** Percentage as a decimal string ("19", "7.5"). */
  percent: string
  categoryCode: TaxCategoryCode
  /** The line price already includes this tax. */
  inclusive: boolean
  /** Computed on the line net plus the taxes before it. */
  compound: boolean
  /** Tax amount of this tax on this line, minor units. */
  amount: number
  /** Exemption reason text (BT-120), required by EN 16931 for E, AE, K, G, O. */
  exemptionReason?: string | null
}

export interface DocumentLine {
  description: string
  /** Optional longer text under the description. */
  details?: string | null
  /** Decimal string ("1", "2.5", "0.125"). */
  quantity: string
  /** Unit as shown to people ("hours", "Stück"); may be empty. */
  unitName: string
  /** UN/ECE Recommendation 20 unit code ("HUR" hour, "C62" one/piece, "DAY", "MON", "KGM"). */
  unitCode: string
  /** Price of one unit, minor units (before discount; including tax when the line's taxes are inclusive). */
  unitPrice: number
  /** Line discount, minor units (already resolved from % or amount). */
  discount: number
  /** Line amount excluding tax after discount, minor units (BT-131). */
  net: number
  /** Sum of the line's taxes, minor units. */
  tax: number
  /** net + tax, minor units. */
  total: number
  taxes: LineTax[]
}

/** One row per tax rate and category (BG-23). */
export interface TaxSummaryRow {
  name: string
  percent: string
  categoryCode: TaxCategoryCode
  /** Taxable base, minor units (BT-116). */
  base: number
  /** Tax amount, minor units (BT-117). */
  amount: number
  exemptionReason?: string | null
}

export interface DocumentTotals {
  /** Sum of line nets before the document discount. */
  subtotal: number
  /** Document-level discount (positive number). */
  discount: number
  shipping: number
  tax: number
  total: number
  paid: number
  /** total − paid − credited. */
  amountDue: number
}

export interface RenderableDocument {
  kind: DocumentKind
  /** Assigned when the document leaves draft; null for drafts. */
  number: string | null
  status: DocumentStatus
  /** ISO dates, YYYY-MM-DD. */
  issueDate: string
  /** Due date for invoices, valid-until for quotes; null when none. */
  dueDate: string | null
  poNumber: string | null
  /** ISO 4217 ("EUR", "JPY"). */
  currency: string
  /** BCP 47 locale of the client, for dates and amounts ("de-DE", "ja-JP"). */
  locale: string
  template: DocumentTemplate
  /** Brand colour as "#rrggbb". */
  brandColor: string
  seller: Seller
  buyer: Buyer
  lines: DocumentLine[]
  taxSummary: TaxSummaryRow[]
  totals: DocumentTotals
  notes: string | null
  terms: string | null
  footer: string | null
  /** Free text on how to pay (bank transfer reference, etc.). */
  paymentInstructions: string | null
  /** Online payment link, shown when present. */
  payUrl?: string | null
  /** Public view page of the document (tokenised link). */
  viewUrl?: string | null
  /** For credit notes: the number of the invoice credited (BT-25). */
  creditedInvoiceNumber?: string | null
  /** Issue date of the credited invoice (BT-26), YYYY-MM-DD. */
  creditedInvoiceDate?: string | null
}

/** Workspace branding for emails (the document already carries seller and colour). */
export interface EmailBranding {
  workspaceName: string
  brandColor: string
  /** Absolute URL of the logo for email clients, or null. */
  logoUrl: string | null
  /** Reply-to / contact address shown in the footer. */
  supportEmail?: string | null
}
