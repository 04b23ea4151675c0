/**
 * EN 16931 e-invoices through `@e-invoice-eu/core`: the document is mapped to the library's internal
 * format (UBL-shaped JSON), which the library validates against its schema for the chosen format
 * (XRechnung adds its own rules) and turns into UBL or CII XML, or into a Factur-X/ZUGFeRD PDF/A-3 with
 * the CII XML attached as factur-x.xml.
 *
 * EN 16931 allows one VAT category per line, so a line must carry exactly one tax. Document-level
 * discount and shipping are carried as allowances and charges per VAT rate, taken from the difference
 * between each rate's taxable base and its lines, so the XML reconciles with the stored totals exactly
 * (BR-CO-10 to BR-CO-16 are checked before the library is called).
 */
import { type Invoice, InvoiceService } from '@e-invoice-eu/core'
import { currencyDigits, fromMinorUnits } from '../../../../../contracts/money.ts'
import type { DocumentLine, PostalAddress, RenderableDocument, TaxCategoryCode } from './document.ts'
import { renderPdf } from './pdf.ts'

export type EInvoiceFormat = 'factur-x' | 'xrechnung-ubl' | 'xrechnung-cii' | 'ubl' | 'cii'

const LIBRARY_FORMAT: Record<EInvoiceFormat, string> = {
  'factur-x': 'Factur-X-EN16931',
  'xrechnung-ubl': 'XRECHNUNG-UBL',
  'xrechnung-cii': 'XRECHNUNG-CII',
  ubl: 'UBL',
  cii: 'CII',
}

/** The document cannot be expressed as an EN 16931 invoice; `field` names the offending part. */
export class EInvoiceError extends Error {
  readonly field: string
  constructor(field: string, message: string) {
    super(message)
    this.name = 'EInvoiceError'
    this.field = field
  }
}

const silent = {
  log: () => {},
  warn: () => {},
  error: () => {},
}

type Json = Record<string, unknown>

function amountFields(key: string, minor: number, currency: string): Json {
  return { [key]: fromMinorUnits(minor, currency), [`${key}@currencyID`]: currency }
}

function address(a: PostalAddress): Json {
  return {
    'cbc:StreetName': a.line1,
    ...(a.line2 ? { 'cbc:AdditionalStreetName': a.line2 } : {}),
    'cbc:CityName': a.city,
    'cbc:PostalZone': a.postalCode,
    ...(a.region ? { 'cbc:CountrySubentity': a.region } : {}),
    'cac:Country': { 'cbc:IdentificationCode': a.countryCode.toUpperCase() },
  }
}

function category(code: TaxCategoryCode, percent: string, reason?: string | null): Json {
  const exempt = code !== 'S' && code !== 'Z' && code !== 'L' && code !== 'M'
  return {
    'cbc:ID': code,
    'cbc:Percent': code === 'O' ? undefined : percent,
    ...(exempt ? { 'cbc:TaxExemptionReason': reason || defaultReason[code] } : {}),
    'cac:TaxScheme': { 'cbc:ID': 'VAT' },
  }
}

const defaultReason: Partial<Record<TaxCategoryCode, string>> = {
  E: 'Exempt from VAT',
  AE: 'Reverse charge',
  K: 'Intra-community supply',
  G: 'Export outside the EU',
  O: 'Not subject to VAT',
}

const keyOf = (code: string, percent: string) => `${code}|${Number(percent)}`

/** qty × price in minor units, exactly, rounded half up; null when the quantity is not a plain decimal. */
function extended(quantity: string, unitPrice: number): number | null {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(quantity)
  if (!m) return null
  const scale = 10n ** BigInt(m[3]?.length ?? 0)
  const q = BigInt(`${m[1] ?? ''}${m[2]}${m[3] ?? ''}`)
  const product = q * BigInt(unitPrice)
  const half = scale / 2n
  const rounded = product >= 0n ? (product + half) / scale : -((-product + half) / scale)
  return Number(rounded)
}

function lineJson(d: RenderableDocument, line: DocumentLine, index: number): Json {
  const field = `lines[${index}]`
  if (line.taxes.length !== 1)
    throw new EInvoiceError(
      `${field}.taxes`,
      `EN 16931 needs exactly one VAT category per line; line ${index + 1} has ${line.taxes.length}`,
    )
  const tax = line.taxes[0]!
  const c = d.currency
  const inclusive = tax.inclusive
  const gross = inclusive ? null : extended(line.quantity, line.unitPrice)
  // A net unit price times the quantity, less the line discount, must give the line net (BR-LIN rules);
  // when it does not (tax-inclusive prices, rounding), the price is stated for the whole quantity.
  const direct = gross !== null && gross - line.discount === line.net
  const price: Json = direct
    ? amountFields('cbc:PriceAmount', line.unitPrice, c)
    : {
        ...amountFields('cbc:PriceAmount', line.net, c),
        'cbc:BaseQuantity': line.quantity,
        'cbc:BaseQuantity@unitCode': line.unitCode,
      }
  return {
    'cbc:ID': String(index + 1),
    'cbc:InvoicedQuantity': line.quantity,
    'cbc:InvoicedQuantity@unitCode': line.unitCode,
    ...amountFields('cbc:LineExtensionAmount', line.net, c),
    ...(direct && line.discount > 0
      ? {
          'cac:AllowanceCharge': [
            {
              'cbc:ChargeIndicator': 'false',
              'cbc:AllowanceChargeReasonCode': '95',
              'cbc:AllowanceChargeReason': 'Discount',
              ...amountFields('cbc:Amount', line.discount, c),
            },
          ],
        }
      : {}),
    'cac:Item': {
      ...(line.details ? { 'cbc:Description': line.details } : {}),
      'cbc:Name': line.description,
      'cac:ClassifiedTaxCategory': category(tax.categoryCode, tax.percent, tax.exemptionReason),
    },
    'cac:Price': price,
  }
}

function party(
  p: {
    name: string
    legalName?: string | null
    address: PostalAddress
    vatId?: string | null
    taxId?: string | null
    email?: string | null
  },
  extra: { registrationId?: string | null; contact?: Json | null; buyer?: boolean },
): Json {
  const vat = p.vatId ? { 'cbc:CompanyID': p.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } } : null
  // The seller may state a VAT id (BT-31) and a local tax registration (BT-32); the buyer only a VAT id.
  const schemes: Json[] = vat ? [vat] : []
  if (!extra.buyer && p.taxId) schemes.push({ 'cbc:CompanyID': p.taxId, 'cac:TaxScheme': { 'cbc:ID': 'FC' } })
  return {
    'cac:Party': {
      ...(p.email ? { 'cbc:EndpointID': p.email, 'cbc:EndpointID@schemeID': 'EM' } : {}),
      'cac:PartyName': { 'cbc:Name': p.name },
      'cac:PostalAddress': address(p.address),
      ...(extra.buyer
        ? vat
          ? { 'cac:PartyTaxScheme': vat }
          : {}
        : schemes.length
          ? { 'cac:PartyTaxScheme': schemes }
          : {}),
      'cac:PartyLegalEntity': {
        'cbc:RegistrationName': p.legalName || p.name,
        ...(extra.registrationId ? { 'cbc:CompanyID': extra.registrationId } : {}),
      },
      ...(extra.contact ? { 'cac:Contact': extra.contact } : {}),
    },
  }
}

/** Maps a document to the library's internal invoice format, checking the EN 16931 sums on the way. */
export function toEInvoiceData(d: RenderableDocument): Invoice {
  if (d.kind === 'quote') throw new EInvoiceError('kind', 'a quote is not an invoice')
  if (!d.number) throw new EInvoiceError('number', 'a draft has no number yet')
  if (!d.lines.length) throw new EInvoiceError('lines', 'an invoice needs at least one line')
  if (!d.seller.vatId && !d.seller.taxId && !d.seller.registrationId)
    throw new EInvoiceError('seller.vatId', 'the seller needs a VAT id, tax id or registration id (BR-CO-26)')
  const c = d.currency
  currencyDigits(c)
  const lines = d.lines.map((l, i) => lineJson(d, l, i))

  // Per rate: lines' nets against the taxable base; the difference is a document allowance or charge.
  const lineSums = new Map<string, number>()
  for (const l of d.lines) {
    const t = l.taxes[0]!
    const k = keyOf(t.categoryCode, t.percent)
    lineSums.set(k, (lineSums.get(k) ?? 0) + l.net)
  }
  const allowances: Json[] = []
  let allowanceTotal = 0
  let chargeTotal = 0
  const seen = new Set<string>()
  for (const row of d.taxSummary) {
    const k = keyOf(row.categoryCode, row.percent)
    seen.add(k)
    const diff = row.base - (lineSums.get(k) ?? 0)
    if (diff === 0) continue
    const charge = diff > 0
    if (charge) chargeTotal += diff
    else allowanceTotal += -diff
    allowances.push({
      'cbc:ChargeIndicator': charge ? 'true' : 'false',
      ...(charge
        ? { 'cbc:AllowanceChargeReasonCode': 'FC', 'cbc:AllowanceChargeReason': 'Shipping' }
        : { 'cbc:AllowanceChargeReasonCode': '95', 'cbc:AllowanceChargeReason': 'Discount' }),
      ...amountFields('cbc:Amount', Math.abs(diff), c),
      'cac:TaxCategory': category(row.categoryCode, row.percent, row.exemptionReason),
    })
  }
  for (const k of lineSums.keys())
    if (!seen.has(k)) throw new EInvoiceError('taxSummary', `no tax summary row for the lines taxed ${k}`)

  const lineTotal = d.lines.reduce((a, l) => a + l.net, 0)
  const taxExclusive = lineTotal - allowanceTotal + chargeTotal
  const taxTotal = d.taxSummary.reduce((a, r) => a + r.amount, 0)
  const taxInclusive = taxExclusive + taxTotal
  if (taxInclusive !== d.totals.total)
    throw new EInvoiceError(
      'totals.total',
      `lines, allowances, charges and taxes add up to ${taxInclusive}, the document total is ${d.totals.total}`,
    )
  if (taxTotal !== d.totals.tax)
    throw new EInvoiceError(
      'totals.tax',
      `tax rows add up to ${taxTotal}, the document tax is ${d.totals.tax}`,
    )
  const prepaid = taxInclusive - d.totals.amountDue

  const notes = [d.notes, d.terms].filter((n): n is string => !!n)
  const seller = d.seller
  const contact = {
    'cbc:Name': seller.legalName || seller.name,
    ...(seller.phone ? { 'cbc:Telephone': seller.phone } : {}),
    ...(seller.email ? { 'cbc:ElectronicMail': seller.email } : {}),
  }
  const bank = seller.bank
  const paymentMeans: Json[] = bank?.iban
    ? [
        {
          'cbc:PaymentMeansCode': '58',
          'cbc:PaymentMeansCode@name': 'SEPA credit transfer',
          'cbc:PaymentID': d.number,
          'cac:PayeeFinancialAccount': {
            'cbc:ID': bank.iban.replace(/\s+/g, ''),
            ...(bank.accountName ? { 'cbc:Name': bank.accountName } : {}),
            ...(bank.bic ? { 'cac:FinancialInstitutionBranch': { 'cbc:ID': bank.bic } } : {}),
          },
        },
      ]
    : [{ 'cbc:PaymentMeansCode': '1', 'cbc:PaymentMeansCode@name': 'Not defined' }]

  const invoice: Json = {
    'cbc:ID': d.number,
    'cbc:IssueDate': d.issueDate.slice(0, 10),
    ...(d.dueDate ? { 'cbc:DueDate': d.dueDate.slice(0, 10) } : {}),
    'cbc:InvoiceTypeCode': d.kind === 'credit_note' ? '381' : '380',
    ...(notes.length ? { 'cbc:Note': notes } : {}),
    'cbc:DocumentCurrencyCode': c,
    'cbc:BuyerReference': d.buyer.buyerReference || d.poNumber || d.number,
    ...(d.poNumber ? { 'cac:OrderReference': { 'cbc:ID': d.poNumber } } : {}),
    ...(d.kind === 'credit_note' && d.creditedInvoiceNumber
      ? {
          'cac:BillingReference': [
            {
              'cac:InvoiceDocumentReference': {
                'cbc:ID': d.creditedInvoiceNumber,
                ...(d.creditedInvoiceDate ? { 'cbc:IssueDate': d.creditedInvoiceDate } : {}),
              },
            },
          ],
        }
      : {}),
    'cac:AccountingSupplierParty': party(seller, { registrationId: seller.registrationId, contact }),
    'cac:AccountingCustomerParty': party(d.buyer, {
      buyer: true,
      contact:
        d.buyer.contactName || d.buyer.email
          ? {
              ...(d.buyer.contactName ? { 'cbc:Name': d.buyer.contactName } : {}),
              ...(d.buyer.email ? { 'cbc:ElectronicMail': d.buyer.email } : {}),
            }
          : null,
    }),
    'cac:PaymentMeans': paymentMeans,
    ...(d.paymentInstructions || d.terms
      ? { 'cac:PaymentTerms': { 'cbc:Note': d.paymentInstructions || d.terms } }
      : {}),
    ...(allowances.length ? { 'cac:AllowanceCharge': allowances } : {}),
    'cac:TaxTotal': [
      {
        ...amountFields('cbc:TaxAmount', taxTotal, c),
        'cac:TaxSubtotal': d.taxSummary.map((r) => ({
          ...amountFields('cbc:TaxableAmount', r.base, c),
          ...amountFields('cbc:TaxAmount', r.amount, c),
          'cac:TaxCategory': category(r.categoryCode, r.percent, r.exemptionReason),
        })),
      },
    ],
    'cac:LegalMonetaryTotal': {
      ...amountFields('cbc:LineExtensionAmount', lineTotal, c),
      ...amountFields('cbc:TaxExclusiveAmount', taxExclusive, c),
      ...amountFields('cbc:TaxInclusiveAmount', taxInclusive, c),
      ...(allowanceTotal ? amountFields('cbc:AllowanceTotalAmount', allowanceTotal, c) : {}),
      ...(chargeTotal ? amountFields('cbc:ChargeTotalAmount', chargeTotal, c) : {}),
      ...(prepaid ? amountFields('cbc:PrepaidAmount', prepaid, c) : {}),
      ...amountFields('cbc:PayableAmount', d.totals.amountDue, c),
    },
    'cac:InvoiceLine': lines,
  }
  return JSON.parse(JSON.stringify({ 'ubl:Invoice': invoice })) as Invoice
}

let service: InvoiceService | null = null

export interface EInvoiceFile {
  bytes: Uint8Array
  mime: 'application/pdf' | 'application/xml'
  filename: string
}

/**
 * Renders an e-invoice. 'factur-x' renders the visual PDF, which the library makes PDF/A-3 with the CII XML attached; the
 * other formats give XML. The library rejects data that breaks its schema with a ValidationError.
 */
export async function renderEInvoice(d: RenderableDocument, format: EInvoiceFormat): Promise<EInvoiceFile> {
  const data = toEInvoiceData(d)
  service ??= new InvoiceService(silent)
  const safeNumber = d.number!.replace(/[^\w.-]+/g, '_')
  const lang = d.locale.toLowerCase()
  if (format === 'factur-x') {
    // The library makes the file PDF/A-3 (XMP, output intent, attachment); fonts are embedded already.
    const pdf = await renderPdf(d)
    const out = await service.generate(data, {
      format: LIBRARY_FORMAT[format],
      lang,
      pdf: { buffer: pdf, filename: `${safeNumber}.pdf`, mimetype: 'application/pdf' },
      noWarnings: true,
    })
    return { bytes: out as Uint8Array, mime: 'application/pdf', filename: `${safeNumber}.pdf` }
  }
  const out = await service.generate(data, { format: LIBRARY_FORMAT[format], lang, noWarnings: true })
  const bytes = typeof out === 'string' ? new TextEncoder().encode(out) : out
  return { bytes, mime: 'application/xml', filename: `${safeNumber}.${format}.xml` }
}
