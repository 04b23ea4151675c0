/**
 * Locale formatting shared by the invoice renderers: amounts (exact, from minor units through a decimal
 * string, never a float), quantities, percentages and dates in the document's locale, with the
 * formatters cached per locale and currency. Labels come from a small dictionary keyed by language.
 */
import { fromMinorUnits } from '../../../../../contracts/money.ts'
import type { DocumentKind, RenderableDocument } from './document.ts'

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()

function numberFormat(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = cache.get(key) as Intl.NumberFormat | undefined
  if (!f) {
    f = make()
    cache.set(key, f)
  }
  return f
}

/** A locale Intl accepts, or 'en'. */
export function safeLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en'
  } catch {
    return 'en'
  }
}

/** Minor units as money in the locale ("1.234,50 €" for de-DE, "¥1,235" for ja-JP). */
export function money(minor: number, currency: string, locale: string): string {
  const f = numberFormat(`m|${locale}|${currency}`, () => {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency })
    } catch {
      return new Intl.NumberFormat(locale, { style: 'decimal', minimumFractionDigits: 2 })
    }
  })
  // A decimal string keeps amounts up to 10^15 minor units exact.
  return f.format(fromMinorUnits(minor, currency) as `${number}`)
}

/** A decimal string (quantity, percentage) in the locale, up to 4 decimals. */
export function decimal(value: string, locale: string): string {
  const f = numberFormat(
    `d|${locale}`,
    () => new Intl.NumberFormat(locale, { maximumFractionDigits: 4, useGrouping: true }),
  )
  return /^-?\d+(\.\d+)?$/.test(value) ? f.format(value as `${number}`) : value
}

export function percent(value: string, locale: string): string {
  return `${decimal(value, locale)} %`
}

/** An ISO date (YYYY-MM-DD) in the locale's medium style, read as a calendar date (no time zone shift). */
export function date(iso: string | null, locale: string): string {
  if (!iso) return ''
  const key = `t|${locale}`
  let f = cache.get(key) as Intl.DateTimeFormat | undefined
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })
    cache.set(key, f)
  }
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`)
  return Number.isNaN(d.getTime()) ? iso : f.format(d)
}

const en = {
  invoice: 'Invoice',
  quote: 'Quote',
  credit_note: 'Credit note',
  draft: 'DRAFT',
  number: 'Number',
  issueDate: 'Issue date',
  dueDate: 'Due date',
  validUntil: 'Valid until',
  poNumber: 'PO number',
  creditFor: 'Credit for invoice',
  billTo: 'Bill to',
  from: 'From',
  description: 'Description',
  quantity: 'Qty',
  unitPrice: 'Unit price',
  tax: 'Tax',
  amount: 'Amount',
  subtotal: 'Subtotal',
  discount: 'Discount',
  shipping: 'Shipping',
  taxOn: 'on',
  total: 'Total',
  paid: 'Paid',
  amountDue: 'Amount due',
  paymentInstructions: 'Payment instructions',
  bankDetails: 'Bank details',
  payOnline: 'Pay online',
  payNow: 'Pay now',
  notes: 'Notes',
  terms: 'Terms',
  vatId: 'VAT ID',
  taxId: 'Tax ID',
  page: (n: number, m: number) => `Page ${n} of ${m}`,
  continued: 'continued',
  viewOnline: 'View online',
  emailIntro: (kind: string, number: string) => `Here is your ${kind.toLowerCase()} ${number}.`,
  emailDue: (due: string) => `Due ${due}`,
  emailButton: (kind: string) => `View ${kind.toLowerCase()}`,
}

export type Labels = typeof en

const de: Labels = {
  ...en,
  invoice: 'Rechnung',
  quote: 'Angebot',
  credit_note: 'Gutschrift',
  draft: 'ENTWURF',
  number: 'Nummer',
  issueDate: 'Rechnungsdatum',
  dueDate: 'Fällig am',
  validUntil: 'Gültig bis',
  poNumber: 'Bestellnummer',
  creditFor: 'Gutschrift zu Rechnung',
  billTo: 'Rechnungsempfänger',
  from: 'Von',
  description: 'Beschreibung',
  quantity: 'Menge',
  unitPrice: 'Einzelpreis',
  tax: 'USt.',
  amount: 'Betrag',
  subtotal: 'Zwischensumme',
  discount: 'Rabatt',
  shipping: 'Versand',
  taxOn: 'auf',
  total: 'Gesamt',
  paid: 'Bezahlt',
  amountDue: 'Offener Betrag',
  paymentInstructions: 'Zahlungshinweise',
  bankDetails: 'Bankverbindung',
  payOnline: 'Online bezahlen',
  payNow: 'Jetzt bezahlen',
  notes: 'Anmerkungen',
  terms: 'Bedingungen',
  vatId: 'USt-IdNr.',
  taxId: 'Steuernummer',
  page: (n, m) => `Seite ${n} von ${m}`,
  continued: 'Fortsetzung',
  viewOnline: 'Online ansehen',
  emailIntro: (kind, number) => `anbei erhalten Sie ${kind} ${number}.`,
  emailDue: (due) => `Fällig am ${due}`,
  emailButton: (kind) => `${kind} ansehen`,
}

const fr: Labels = {
  ...en,
  invoice: 'Facture',
  quote: 'Devis',
  credit_note: 'Avoir',
  draft: 'BROUILLON',
  number: 'Numéro',
  issueDate: "Date d'émission",
  dueDate: "Date d'échéance",
  validUntil: "Valable jusqu'au",
  poNumber: 'Bon de commande',
  creditFor: 'Avoir sur la facture',
  billTo: 'Facturer à',
  from: 'De',
  description: 'Description',
  quantity: 'Qté',
  unitPrice: 'Prix unitaire',
  tax: 'TVA',
  amount: 'Montant',
  subtotal: 'Sous-total',
  discount: 'Remise',
  shipping: 'Livraison',
  taxOn: 'sur',
  total: 'Total',
  paid: 'Payé',
  amountDue: 'Reste à payer',
  paymentInstructions: 'Modalités de paiement',
  bankDetails: 'Coordonnées bancaires',
  payOnline: 'Payer en ligne',
  payNow: 'Payer maintenant',
  notes: 'Notes',
  terms: 'Conditions',
  vatId: 'N° TVA',
  taxId: 'N° fiscal',
  page: (n, m) => `Page ${n} sur ${m}`,
  continued: 'suite',
  viewOnline: 'Voir en ligne',
  emailIntro: (kind, number) => `Veuillez trouver ci-joint : ${kind} ${number}.`,
  emailDue: (due) => `Échéance : ${due}`,
  emailButton: (kind) => `Voir : ${kind}`,
}

const dictionaries: Record<string, Labels> = { en, de, fr }

/** Labels in the locale's language; English when the language has none. */
export function labels(locale: string): Labels {
  return dictionaries[locale.slice(0, 2).toLowerCase()] ?? en
}

/** "Invoice INV-2025-00012", or "Invoice (DRAFT)" for a draft. */
export function title(doc: Pick<RenderableDocument, 'kind' | 'number'>, l: Labels): string {
  return doc.number ? `${l[doc.kind]} ${doc.number}` : `${l[doc.kind]} (${l.draft})`
}

export function kindLabel(kind: DocumentKind, l: Labels): string {
  return l[kind]
}
