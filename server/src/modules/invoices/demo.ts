import { noEvents } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { listClients } from '../clients/index.ts'
import { createProduct, createTaxRate } from './catalog.service.ts'
import { createCreditNote, issueCreditNote } from './credit-notes.ts'
import { createDocument } from './documents.service.ts'
import { addDays, today } from './documents.ts'
import { acceptQuote, sendDocument, sweepDueDocuments } from './lifecycle.ts'
import { defaultNumbering } from './numbering.ts'
import { recordPayment } from './payments.ts'
import { createProfile } from './recurring.ts'
import { saveSettings } from './settings.service.ts'

const deps = { events: noEvents }

/** What every demo document shares. */
const base = {
  currency: 'USD',
  exchangeRate: null,
  poNumber: null,
  notes: null,
  terms: null,
  footer: null,
  discount: null,
  shipping: 0,
}

/**
 * Demo data: settings, two tax rates, a small catalog, invoices in several states (draft, sent,
 * partially paid, paid, overdue, one with a credit note) and an accepted quote, for the first clients.
 */
export async function seedDemoInvoices(ctx: ServiceContext): Promise<void> {
  const clients = (await listClients(ctx, { limit: 4, sort: 'name' })).data
  if (clients.length < 2) return
  await saveSettings(ctx, {
    baseCurrency: 'USD',
    paymentTermsDays: 30,
    quoteValidDays: 30,
    numbering: defaultNumbering,
    defaultNotes: 'Thank you for your business.',
    defaultTerms: 'Payment within 30 days by bank transfer.',
    defaultFooter: null,
    paymentInstructions: 'Please quote the invoice number with your transfer.',
    legal: {
      name: 'Atrium Demo Studio',
      legalName: 'Atrium Demo Studio LLC',
      address: {
        line1: '1 Market Street',
        line2: null,
        city: 'San Francisco',
        postalCode: '94105',
        region: 'CA',
        countryCode: 'US',
      },
      taxId: 'US-12-3456789',
      vatId: null,
      registrationId: null,
      email: 'billing@demo.example',
      phone: null,
      website: null,
      bank: {
        accountName: 'Atrium Demo Studio LLC',
        iban: 'DE89370400440532013000',
        bic: 'COBADEFFXXX',
        bankName: null,
      },
    },
    template: 'classic',
    brandColor: '#1f4e79',
    reminders: { enabled: false, daysBefore: [3], daysAfter: [7, 14] },
  })
  const tax = await createTaxRate(ctx, {
    name: 'Sales tax',
    percent: '8.5',
    inclusive: false,
    compound: false,
    categoryCode: 'S',
    exemptionReason: null,
  })
  await createTaxRate(ctx, {
    name: 'Reduced rate',
    percent: '5.5',
    inclusive: false,
    compound: false,
    categoryCode: 'S',
    exemptionReason: null,
  })
  const product = (name: string, unit: string, unitCode: string, unitPrice: number, taxed = true) =>
    createProduct(ctx, {
      name,
      description: null,
      unit,
      unitCode,
      unitPrice,
      currency: 'USD',
      taxRateIds: taxed ? [tax.id] : [],
    })
  const hour = await product('Consulting', 'hour', 'HUR', 15_000)
  const workshop = await product('Design workshop', 'day', 'DAY', 120_000)
  const hosting = await product('Managed hosting', 'month', 'MON', 4_900)
  await product('Travel expenses', 'trip', 'C62', 0, false)

  const line = (productId: string, quantity: string) => ({ productId, quantity, unit: null })
  const [a, b, c = a!, d = b!] = clients as [
    (typeof clients)[number],
    (typeof clients)[number],
    ...typeof clients,
  ]
  const day = today()
  const invoice = async (
    clientId: string,
    lines: ReturnType<typeof line>[],
    issued: string | null,
    due: string | null,
  ) => createDocument(deps, ctx, 'invoice', { ...base, clientId, lines, issueDate: issued, dueDate: due })

  await invoice(a!.id, [line(hour.id, '6'), line(hosting.id, '1')], null, null)
  const sent = await invoice(b!.id, [line(workshop.id, '2')], null, null)
  await sendDocument(deps, ctx, 'invoice', sent.id)
  const partly = await invoice(c.id, [line(hour.id, '12.5')], addDays(day, -10), addDays(day, 20))
  const partlySent = await sendDocument(deps, ctx, 'invoice', partly.id)
  await recordPayment(deps, ctx, {
    invoiceId: partly.id,
    method: 'bank_transfer',
    amount: Math.floor(partlySent.total / 2),
    paidOn: day,
    reference: 'TRF-2291',
    notes: null,
    keepExcessAsCredit: false,
  })
  const paid = await invoice(d.id, [line(hosting.id, '3')], addDays(day, -40), addDays(day, -10))
  const paidSent = await sendDocument(deps, ctx, 'invoice', paid.id)
  await recordPayment(deps, ctx, {
    invoiceId: paid.id,
    method: 'card',
    amount: paidSent.total,
    paidOn: addDays(day, -12),
    reference: null,
    notes: null,
    keepExcessAsCredit: false,
  })
  const late = await invoice(
    a!.id,
    [line(hour.id, '4'), line(workshop.id, '1')],
    addDays(day, -45),
    addDays(day, -15),
  )
  await sendDocument(deps, ctx, 'invoice', late.id)
  const credited = await invoice(b!.id, [line(hour.id, '2'), line(hosting.id, '1')], addDays(day, -5), null)
  const creditedSent = await sendDocument(deps, ctx, 'invoice', credited.id)
  const note = await createCreditNote(deps, ctx, {
    invoiceId: credited.id,
    lineIds: [creditedSent.lines[1]!.id],
    notes: 'Hosting was not used this month.',
  })
  await issueCreditNote(deps, ctx, note.id)

  const quote = await createDocument(deps, ctx, 'quote', {
    ...base,
    clientId: c.id,
    lines: [line(workshop.id, '3'), line(hour.id, '20')],
    discount: { type: 'percent', value: '10' },
    issueDate: null,
    dueDate: null,
  })
  await sendDocument(deps, ctx, 'quote', quote.id)
  await acceptQuote(deps, ctx, quote.id, 'Ana Souza')
  // Managed hosting billed on the first of every month for a year, as drafts to check before sending.
  const firstOfNextMonth = `${addDays(`${day.slice(0, 8)}28`, 7).slice(0, 8)}01`
  await createProfile(deps, ctx, {
    name: 'Managed hosting',
    clientId: d.id,
    currency: 'USD',
    lines: [line(hosting.id, '1')],
    discount: null,
    shipping: 0,
    notes: null,
    terms: null,
    frequency: 'monthly',
    interval: 1,
    startDate: firstOfNextMonth,
    endDate: null,
    count: 12,
    dueDays: 14,
    autoSend: false,
  })
  await sweepDueDocuments(ctx, noEvents)
}

/**
 * Three sent invoices for the demo's online payments (the payments module's seed pays them through
 * the gateway path): returns their ids, oldest first.
 */
export async function seedDemoPayableInvoices(ctx: ServiceContext): Promise<string[]> {
  const clients = (await listClients(ctx, { limit: 4, sort: 'name' })).data
  if (!clients.length) return []
  const day = today()
  const ids: string[] = []
  for (const [i, [description, unitPrice, quantity]] of (
    [
      ['Brand refresh, phase 1', 240_000, '1'],
      ['Website maintenance, Q3', 45_000, '3'],
      ['Research interviews', 18_000, '5'],
    ] as const
  ).entries()) {
    const d = await createDocument(deps, ctx, 'invoice', {
      ...base,
      clientId: clients[i % clients.length]!.id,
      lines: [{ description, quantity, unitPrice, unit: null }],
      issueDate: addDays(day, -30 + i * 8),
      dueDate: addDays(day, i * 8),
    })
    await sendDocument(deps, ctx, 'invoice', d.id)
    ids.push(d.id)
  }
  return ids
}
