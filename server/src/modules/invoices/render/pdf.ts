/**
 * Invoice, quote and credit note PDFs with pdfkit. Three templates share one layout engine:
 * - classic: logo and title on white, ruled table header in the brand colour;
 * - modern: a brand-coloured header band, filled table header, striped rows, boxed amount due;
 * - compact: small type and tight rows for long documents.
 * The lines table repeats its header on every page; "Page n of m", the footer and the DRAFT mark are drawn
 * once all pages exist (buffered pages). Text is set in DejaVu Sans, or Noto Sans JP when DejaVu lacks a
 * character (CJK); both are parsed once per process (fonts.ts) and subset by pdfkit per document.
 */
import PDFDocument from 'pdfkit'
import type { DocumentLine, DocumentTemplate, PostalAddress, RenderableDocument } from './document.ts'
import { type FontFace, fontFor, fontRuns, latinCovers } from './fonts.ts'
import * as fmt from './format.ts'

export interface PdfOptions {
  /** Write a PDF/A-3b file (XMP metadata, sRGB output intent), as Factur-X requires. */
  pdfA?: boolean
  /** Deflate page content streams (default true). */
  compress?: boolean
}

interface Style {
  margin: number
  base: number
  small: number
  title: number
  rowPad: number
  band: boolean
  filledHeader: boolean
  zebra: boolean
}

const STYLES: Record<DocumentTemplate, Style> = {
  classic: {
    margin: 50,
    base: 9.5,
    small: 8,
    title: 22,
    rowPad: 5,
    band: false,
    filledHeader: false,
    zebra: false,
  },
  modern: {
    margin: 45,
    base: 9.5,
    small: 8,
    title: 24,
    rowPad: 6,
    band: true,
    filledHeader: true,
    zebra: true,
  },
  compact: {
    margin: 34,
    base: 8,
    small: 7,
    title: 15,
    rowPad: 3,
    band: false,
    filledHeader: true,
    zebra: false,
  },
}

const PAGE_W = 595.28
const PAGE_H = 841.89
const FOOTER_H = 34
const GREY = '#555555'
const LIGHT = '#f3f4f6'
const RULE = '#d1d5db'
const DEFAULT_BRAND = '#1f4e79'

type Doc = PDFKit.PDFDocument

interface TextOptions {
  width?: number
  align?: 'left' | 'right' | 'center'
  bold?: boolean
  size?: number
  color?: string
  link?: string
  underline?: boolean
  lineBreak?: boolean
}

/** Contrast text colour (black or white) for a background. */
function onColor(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16)
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
    const s = c / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 ? '#111111' : '#ffffff'
}

const regionNames = new Map<string, Intl.DisplayNames>()
function countryName(code: string, locale: string): string {
  let names = regionNames.get(locale)
  if (!names) {
    names = new Intl.DisplayNames(locale, { type: 'region' })
    regionNames.set(locale, names)
  }
  try {
    return names.of(code.toUpperCase()) ?? code
  } catch {
    return code
  }
}

function addressLines(lines: string[], address: PostalAddress, locale: string): string[] {
  if (lines.length) return lines
  return [
    address.line1,
    address.line2 ?? '',
    [address.postalCode, address.city].filter(Boolean).join(' '),
    address.region ?? '',
    address.countryCode ? countryName(address.countryCode, locale) : '',
  ].filter((l) => l.trim() !== '')
}

/**
 * pdfkit shapes text word by word and caches the shaped words per document and font. Shaping (GSUB/GPOS
 * lookups) was the largest cost of a render, and the same words recur on every invoice, so the cache is
 * shared by all documents of the process, per font face. pdfkit copies a cached position before changing
 * it (word spacing), so sharing is safe. The cache is dropped when it grows past LAYOUT_CACHE_MAX words.
 */
const LAYOUT_CACHE_MAX = 20_000
const layoutCaches = new Map<FontFace, Record<string, unknown>>()
let rendersSinceCheck = 0

function shareLayoutCache(doc: Doc, face: FontFace): void {
  const font = (doc as unknown as { _font?: { layoutCache?: Record<string, unknown> } })._font
  if (!font?.layoutCache) return
  let cache = layoutCaches.get(face)
  if (!cache) {
    cache = Object.create(null) as Record<string, unknown>
    layoutCaches.set(face, cache)
  }
  font.layoutCache = cache
}

function trimLayoutCaches(): void {
  if (++rendersSinceCheck < 256) return
  rendersSinceCheck = 0
  for (const [face, cache] of layoutCaches)
    if (Object.keys(cache).length > LAYOUT_CACHE_MAX) layoutCaches.delete(face)
}

class Layout {
  readonly doc: Doc
  readonly s: Style
  readonly brand: string
  readonly onBrand: string
  readonly l: fmt.Labels
  readonly locale: string
  readonly left: number
  readonly right: number
  readonly width: number
  readonly bottom: number
  private readonly registered = new Set<FontFace>()
  readonly d: RenderableDocument
  y: number

  constructor(doc: Doc, d: RenderableDocument) {
    this.doc = doc
    this.d = d
    this.s = STYLES[d.template] ?? STYLES.classic
    this.brand = /^#[0-9a-f]{6}$/i.test(d.brandColor) ? d.brandColor : DEFAULT_BRAND
    this.onBrand = onColor(this.brand)
    this.locale = fmt.safeLocale(d.locale)
    this.l = fmt.labels(this.locale)
    this.left = this.s.margin
    this.right = PAGE_W - this.s.margin
    this.width = this.right - this.left
    this.bottom = PAGE_H - this.s.margin - FOOTER_H
    this.y = this.s.margin
  }

  money(minor: number): string {
    return fmt.money(minor, this.d.currency, this.locale)
  }

  /** Selects the face that draws every character of `text` and sets size and colour. */
  use(text: string, bold = false, size = this.s.base, color = '#111111', cjk = !latinCovers(text)): void {
    let face: FontFace = bold ? 'bold' : 'regular'
    if (cjk) face = bold ? 'cjk-bold' : 'cjk'
    const first = !this.registered.has(face)
    if (first) {
      this.doc.registerFont(face, fontFor(face) as any)
      this.registered.add(face)
    }
    this.doc.font(face).fontSize(size).fillColor(color)
    if (first) shareLayoutCache(this.doc, face)
  }

  /** Draws text at (x, y) and returns its height. */
  text(str: string, x: number, y: number, o: TextOptions = {}): number {
    if (!str) return 0
    const width = o.width ?? this.right - x
    const runs = fontRuns(str)
    runs.forEach((run, i) => {
      this.use(run.text, o.bold, o.size, o.color, run.cjk)
      const options = {
        width,
        align: o.align ?? 'left',
        link: o.link,
        underline: o.underline,
        lineBreak: o.lineBreak ?? true,
        continued: i < runs.length - 1,
      }
      if (i === 0) this.doc.text(run.text, x, y, options)
      else this.doc.text(run.text, options)
    })
    return this.doc.y - y
  }

  height(str: string, width: number, bold = false, size = this.s.base): number {
    if (!str) return 0
    this.use(str, bold, size)
    return this.doc.heightOfString(str, { width })
  }

  /** Starts a new page when `h` more points do not fit; returns whether it did. */
  ensure(h: number): boolean {
    if (this.y + h <= this.bottom) return false
    this.doc.addPage()
    this.y = this.s.margin
    // Every following page says whose document it continues.
    const t = `${fmt.title(this.d, this.l)} (${this.l.continued})`
    this.y += this.text(t, this.left, this.y, { size: this.s.small, color: GREY }) + 6
    return true
  }
}

// ---------------------------------------------------------------------------------------------------------

function header(L: Layout): void {
  const { doc, d, s, l } = L
  const top = s.margin
  const titleText = l[d.kind]
  const numberText = d.number ?? l.draft
  let leftBottom = top
  let rightBottom = top

  if (s.band) {
    const bandH = 92
    doc.rect(0, 0, PAGE_W, bandH).fill(L.brand)
    L.text(titleText.toUpperCase(), L.left, 28, { size: s.title, bold: true, color: L.onBrand, width: 300 })
    L.text(numberText, L.left, 28 + s.title + 6, { size: 11, color: L.onBrand, width: 300 })
    L.text(d.seller.name, L.right - 230, 32, { width: 230, align: 'right', bold: true, color: L.onBrand })
    leftBottom = rightBottom = bandH + 12
    if (d.seller.logo) leftBottom = drawLogo(L, L.left, bandH + 14, 140, 44)
  } else {
    if (d.seller.logo) leftBottom = drawLogo(L, L.left, top, 160, s.title * 2.6)
    else
      leftBottom =
        top +
        L.text(d.seller.name, L.left, top, { size: s.title * 0.75, bold: true, color: L.brand, width: 260 })
    const w = 240
    let y = top
    y += L.text(titleText.toUpperCase(), L.right - w, y, {
      width: w,
      align: 'right',
      size: s.title,
      bold: true,
      color: L.brand,
    })
    y +=
      L.text(numberText, L.right - w, y + 2, { width: w, align: 'right', size: s.base + 2, bold: true }) + 2
    rightBottom = y
  }
  if (!d.number) {
    const y = Math.max(leftBottom, rightBottom) - 2
    L.text(l.draft, L.right - 120, s.band ? 70 : y, {
      width: 120,
      align: 'right',
      bold: true,
      size: s.base + 1,
      color: s.band ? L.onBrand : '#b91c1c',
    })
    rightBottom += s.band ? 0 : s.base + 4
  }
  L.y = Math.max(leftBottom, rightBottom) + (s.band ? 14 : 18)
}

function drawLogo(L: Layout, x: number, y: number, w: number, h: number): number {
  try {
    L.doc.image(Buffer.from(L.d.seller.logo!.bytes), x, y, { fit: [w, h] })
    return y + h
  } catch {
    // An unreadable logo must not stop the document: print the name instead.
    return y + L.text(L.d.seller.name, x, y, { size: 14, bold: true, color: L.brand, width: w })
  }
}

function parties(L: Layout): void {
  const { d, s, l } = L
  const gap = 14
  const colW = (L.width - 2 * gap) / 3
  const top = L.y
  const label = (t: string, x: number, y: number) =>
    L.text(t.toUpperCase(), x, y, { size: s.small, bold: true, color: L.brand, width: colW })

  // From
  let y = top + label(l.from, L.left, top) + 2
  y += L.text(d.seller.legalName || d.seller.name, L.left, y, { bold: true, width: colW })
  for (const line of addressLines(d.seller.addressLines, d.seller.address, L.locale))
    y += L.text(line, L.left, y, { width: colW, color: GREY })
  if (d.seller.vatId) y += L.text(`${l.vatId}: ${d.seller.vatId}`, L.left, y, { width: colW, color: GREY })
  if (d.seller.taxId) y += L.text(`${l.taxId}: ${d.seller.taxId}`, L.left, y, { width: colW, color: GREY })
  if (d.seller.email) y += L.text(d.seller.email, L.left, y, { width: colW, color: GREY })
  if (d.seller.phone) y += L.text(d.seller.phone, L.left, y, { width: colW, color: GREY })
  const fromBottom = y

  // Bill to
  const bx = L.left + colW + gap
  y = top + label(l.billTo, bx, top) + 2
  y += L.text(d.buyer.name, bx, y, { bold: true, width: colW })
  if (d.buyer.legalName && d.buyer.legalName !== d.buyer.name)
    y += L.text(d.buyer.legalName, bx, y, { width: colW })
  if (d.buyer.contactName) y += L.text(d.buyer.contactName, bx, y, { width: colW, color: GREY })
  for (const line of addressLines([], d.buyer.address, L.locale))
    y += L.text(line, bx, y, { width: colW, color: GREY })
  if (d.buyer.vatId) y += L.text(`${l.vatId}: ${d.buyer.vatId}`, bx, y, { width: colW, color: GREY })
  if (d.buyer.taxId) y += L.text(`${l.taxId}: ${d.buyer.taxId}`, bx, y, { width: colW, color: GREY })
  if (d.buyer.email) y += L.text(d.buyer.email, bx, y, { width: colW, color: GREY })
  const toBottom = y

  // Dates and references
  const mx = L.left + 2 * (colW + gap)
  const meta: [string, string][] = [[l.issueDate, fmt.date(d.issueDate, L.locale)]]
  if (d.dueDate) meta.push([d.kind === 'quote' ? l.validUntil : l.dueDate, fmt.date(d.dueDate, L.locale)])
  if (d.poNumber) meta.push([l.poNumber, d.poNumber])
  if (d.kind === 'credit_note' && d.creditedInvoiceNumber) meta.push([l.creditFor, d.creditedInvoiceNumber])
  y = top
  for (const [k, v] of meta) {
    const h = L.text(k, mx, y, { size: s.small, color: GREY, width: colW })
    y += h
    y += L.text(v, mx, y, { bold: true, width: colW }) + 3
  }
  L.y = Math.max(fromBottom, toBottom, y) + 18
}

interface Columns {
  desc: [number, number]
  qty: [number, number]
  price: [number, number]
  tax: [number, number]
  amount: [number, number]
}

function columns(L: Layout): Columns {
  const compact = L.d.template === 'compact'
  const amountW = compact ? 78 : 88
  const taxW = compact ? 44 : 52
  const priceW = compact ? 72 : 82
  const qtyW = compact ? 56 : 64
  const amountX = L.right - amountW
  const taxX = amountX - taxW
  const priceX = taxX - priceW
  const qtyX = priceX - qtyW
  return {
    desc: [L.left, qtyX - L.left - 8],
    qty: [qtyX, qtyW],
    price: [priceX, priceW],
    tax: [taxX, taxW],
    amount: [amountX, amountW],
  }
}

function tableHeader(L: Layout, c: Columns): void {
  const { doc, s, l } = L
  const h = s.small + 2 * s.rowPad + 2
  const color = s.filledHeader ? L.onBrand : L.brand
  if (s.filledHeader) doc.rect(L.left - 4, L.y, L.width + 8, h).fill(L.brand)
  const ty = L.y + s.rowPad + 1
  const o = { size: s.small, bold: true, color, lineBreak: false }
  L.text(l.description.toUpperCase(), c.desc[0], ty, { ...o, width: c.desc[1] })
  L.text(l.quantity.toUpperCase(), c.qty[0], ty, { ...o, width: c.qty[1], align: 'right' })
  L.text(l.unitPrice.toUpperCase(), c.price[0], ty, { ...o, width: c.price[1], align: 'right' })
  L.text(l.tax.toUpperCase(), c.tax[0], ty, { ...o, width: c.tax[1], align: 'right' })
  L.text(l.amount.toUpperCase(), c.amount[0], ty, { ...o, width: c.amount[1], align: 'right' })
  if (!s.filledHeader)
    doc
      .moveTo(L.left, L.y + h)
      .lineTo(L.right, L.y + h)
      .lineWidth(1.2)
      .strokeColor(L.brand)
      .stroke()
  L.y += h + 2
}

/** What the amount column shows: the net, plus any taxes the price already included. */
function shownAmount(line: DocumentLine): number {
  let amount = line.net
  for (const t of line.taxes) if (t.inclusive) amount += t.amount
  return amount
}

function lines(L: Layout): void {
  const { doc, d, s, l } = L
  const c = columns(L)
  tableHeader(L, c)
  d.lines.forEach((line, i) => {
    const unit = line.unitName ? ` ${line.unitName}` : ''
    const qty = `${fmt.decimal(line.quantity, L.locale)}${unit}`
    const discount = line.discount ? `${l.discount} −${L.money(line.discount)}` : ''
    const extra = [line.details ?? '', discount].filter(Boolean).join('\n')
    const descH = L.height(line.description, c.desc[1])
    const extraH = extra ? L.height(extra, c.desc[1], false, s.small) : 0
    const qtyH = L.height(qty, c.qty[1])
    const rowH = Math.max(descH + extraH, qtyH) + 2 * s.rowPad
    if (L.ensure(rowH)) tableHeader(L, c)
    const top = L.y
    if (s.zebra && i % 2 === 1) doc.rect(L.left - 4, top, L.width + 8, rowH).fill(LIGHT)
    const y = top + s.rowPad
    L.text(line.description, c.desc[0], y, { width: c.desc[1] })
    if (extra) L.text(extra, c.desc[0], y + descH, { width: c.desc[1], size: s.small, color: GREY })
    L.text(qty, c.qty[0], y, { width: c.qty[1], align: 'right' })
    L.text(L.money(line.unitPrice), c.price[0], y, { width: c.price[1], align: 'right', lineBreak: false })
    const taxes = line.taxes.map((t) => fmt.percent(t.percent, L.locale)).join(', ')
    if (taxes) L.text(taxes, c.tax[0], y, { width: c.tax[1], align: 'right', lineBreak: false })
    L.text(L.money(shownAmount(line)), c.amount[0], y, {
      width: c.amount[1],
      align: 'right',
      lineBreak: false,
    })
    L.y = top + rowH
    if (!s.zebra) doc.moveTo(L.left, L.y).lineTo(L.right, L.y).lineWidth(0.5).strokeColor(RULE).stroke()
  })
  L.y += 10
}

function totals(L: Layout): void {
  const { doc, d, s, l } = L
  const t = d.totals
  const rows: { label: string; value: string; bold?: boolean }[] = [
    { label: l.subtotal, value: L.money(t.subtotal) },
  ]
  if (t.discount) rows.push({ label: l.discount, value: `−${L.money(t.discount)}` })
  if (t.shipping) rows.push({ label: l.shipping, value: L.money(t.shipping) })
  for (const r of d.taxSummary)
    rows.push({
      label: `${r.name} ${fmt.percent(r.percent, L.locale)} ${l.taxOn} ${L.money(r.base)}`,
      value: L.money(r.amount),
    })
  if (!d.taxSummary.length && t.tax) rows.push({ label: l.tax, value: L.money(t.tax) })
  rows.push({ label: l.total, value: L.money(t.total), bold: true })
  if (t.paid) rows.push({ label: l.paid, value: `−${L.money(t.paid)}` })

  const w = 250
  const x = L.right - w
  const labelW = w - 100
  const lineH = s.base + 7
  const dueH = s.base + 16
  L.ensure(rows.length * lineH + dueH + 10)
  for (const r of rows) {
    const h = Math.max(L.height(r.label, labelW, r.bold), s.base + 2)
    L.text(r.label, x, L.y, { width: labelW, bold: r.bold, color: r.bold ? '#111111' : GREY })
    L.text(r.value, x + labelW, L.y, { width: w - labelW, align: 'right', bold: r.bold, lineBreak: false })
    L.y += h + 5
  }
  if (d.kind !== 'quote') {
    L.y += 2
    const label = l.amountDue
    const value = L.money(t.amountDue)
    if (L.s.band || L.s.filledHeader) {
      doc.rect(x - 6, L.y - 4, w + 10, dueH).fill(L.brand)
      L.text(label, x, L.y + 1, { width: labelW, bold: true, size: s.base + 1, color: L.onBrand })
      L.text(value, x + labelW, L.y + 1, {
        width: w - labelW,
        align: 'right',
        bold: true,
        size: s.base + 1,
        color: L.onBrand,
        lineBreak: false,
      })
    } else {
      doc
        .moveTo(x, L.y - 3)
        .lineTo(L.right, L.y - 3)
        .lineWidth(1.2)
        .strokeColor(L.brand)
        .stroke()
      L.text(label, x, L.y + 1, { width: labelW, bold: true, size: s.base + 1, color: L.brand })
      L.text(value, x + labelW, L.y + 1, {
        width: w - labelW,
        align: 'right',
        bold: true,
        size: s.base + 1,
        color: L.brand,
        lineBreak: false,
      })
    }
    L.y += dueH
  }
  L.y += 12
}

function paragraphs(L: Layout): void {
  const { d, s, l } = L
  const block = (heading: string, body: string, link?: string) => {
    const h = L.height(body, L.width) + s.small + 6
    L.ensure(Math.min(h, 120))
    L.y += L.text(heading.toUpperCase(), L.left, L.y, { size: s.small, bold: true, color: L.brand }) + 2
    L.y += L.text(body, L.left, L.y, link ? { link, underline: true, color: L.brand } : { color: '#222222' })
    L.y += 10
  }
  if (d.kind !== 'quote') {
    if (d.paymentInstructions) block(l.paymentInstructions, d.paymentInstructions)
    const bank = d.seller.bank
    if (bank?.iban) {
      const parts = [
        bank.accountName ? bank.accountName : '',
        `IBAN ${bank.iban}`,
        bank.bic ? `BIC ${bank.bic}` : '',
        bank.bankName ?? '',
      ].filter(Boolean)
      block(l.bankDetails, parts.join(' · '))
    }
    if (d.payUrl && d.totals.amountDue > 0) block(l.payOnline, d.payUrl, d.payUrl)
  }
  if (d.notes) block(l.notes, d.notes)
  if (d.terms) block(l.terms, d.terms)
}

/** Footer, page numbers and the draft mark, drawn on every page once the page count is known. */
function decorate(L: Layout): void {
  const { doc, d, s, l } = L
  const range = doc.bufferedPageRange()
  const footer = d.footer ?? ''
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    // Drawing below the bottom margin must not open a new page.
    doc.page.margins.bottom = 0
    const y = PAGE_H - s.margin - FOOTER_H + 14
    doc
      .moveTo(L.left, y - 6)
      .lineTo(L.right, y - 6)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke()
    const pageText = l.page(i - range.start + 1, range.count)
    if (footer)
      L.text(footer, L.left, y, { width: L.width - 110, size: s.small, color: GREY, lineBreak: false })
    L.text(pageText, L.right - 110, y, {
      width: 110,
      align: 'right',
      size: s.small,
      color: GREY,
      lineBreak: false,
    })
    if (!d.number || d.status === 'draft') {
      doc.save()
      doc.rotate(-35, { origin: [PAGE_W / 2, PAGE_H / 2] })
      doc.fillOpacity(0.07)
      L.text(l.draft, 0, PAGE_H / 2 - 60, {
        width: PAGE_W,
        align: 'center',
        size: 120,
        bold: true,
        color: '#000000',
      })
      doc.restore()
    }
  }
}

/** Renders the document as a PDF file. */
export async function renderPdf(d: RenderableDocument, options: PdfOptions = {}): Promise<Buffer> {
  const s = STYLES[d.template] ?? STYLES.classic
  const l = fmt.labels(fmt.safeLocale(d.locale))
  const doc = new PDFDocument({
    size: 'A4',
    margin: s.margin,
    bufferPages: true,
    compress: options.compress ?? true,
    // No standard font: every text run picks an embedded Unicode font.
    font: null as unknown as string,
    pdfVersion: '1.7',
    lang: fmt.safeLocale(d.locale),
    displayTitle: true,
    ...(options.pdfA ? { subset: 'PDF/A-3b' as const, tagged: false } : {}),
    info: {
      Title: fmt.title(d, l),
      Author: d.seller.name,
      Subject: `${fmt.title(d, l)} — ${d.buyer.name}`,
      Creator: 'Atrium',
      Producer: 'Atrium',
      CreationDate: new Date(`${d.issueDate.slice(0, 10)}T00:00:00Z`),
    },
  } as PDFKit.PDFDocumentOptions)
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  trimLayoutCaches()
  const L = new Layout(doc, d)
  header(L)
  parties(L)
  lines(L)
  totals(L)
  paragraphs(L)
  decorate(L)
  doc.end()
  return done
}
