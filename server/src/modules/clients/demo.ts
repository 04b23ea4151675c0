import { noEvents } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { createCustomField } from '../custom-fields/index.ts'
import { createContact } from './contacts.service.ts'
import { createClient } from './service.ts'

const CLIENTS = [
  [
    'Northwind Traders',
    'billing@northwind.example',
    'active',
    ['retail', 'priority'],
    'Retail',
    1_250_000,
    'Nancy Davolio',
  ],
  [
    'Contoso Pharmaceuticals',
    'ap@contoso.example',
    'active',
    ['healthcare'],
    'Healthcare',
    4_800_000,
    'Ravi Patel',
  ],
  ['Fabrikam Software', 'hello@fabrikam.example', 'lead', ['software'], 'Software', 600_000, 'Ana Souza'],
  ['Tailspin Toys', 'orders@tailspin.example', 'active', ['retail'], 'Retail', 320_000, 'Kenji Mori'],
  [
    'Wide World Importers',
    'finance@wideworld.example',
    'active',
    ['logistics', 'priority'],
    'Logistics',
    2_100_000,
    'Lena Fischer',
  ],
  ['Adventure Works Cycles', 'accounts@adventure.example', 'lead', ['retail'], 'Retail', null, 'Omar Haddad'],
  [
    'Litware Consulting',
    'team@litware.example',
    'active',
    ['consulting'],
    'Consulting',
    450_000,
    'Grace Kim',
  ],
  ['Proseware Labs', 'ops@proseware.example', 'archived', [], 'Software', null, 'Tom Becker'],
  ['Margie’s Travel', 'margie@travel.example', 'active', ['travel'], 'Travel', 180_000, 'Margie Shoop'],
  [
    'Blue Yonder Airlines',
    'procurement@blueyonder.example',
    'lead',
    ['travel', 'enterprise'],
    'Travel',
    9_500_000,
    'Ivo Novak',
  ],
] as const

/** Demo clients for the demo workspace, written through the module's own services (audited). */
export async function seedDemoClients(ctx: ServiceContext) {
  const deps = { events: noEvents }
  await createCustomField(ctx, 'client', {
    key: 'industry',
    label: 'Industry',
    type: 'select',
    required: false,
    options: ['Consulting', 'Healthcare', 'Logistics', 'Retail', 'Software', 'Travel'],
  })
  await createCustomField(ctx, 'client', {
    key: 'budget',
    label: 'Annual budget',
    type: 'money',
    currency: 'USD',
    required: false,
    options: [],
  })
  for (const [name, email, status, tags, industry, budget, contact] of CLIENTS) {
    const c = await createClient(deps, ctx, {
      kind: 'company',
      name,
      email,
      status,
      tags: [...tags],
      assigneeIds: [],
      currency: 'USD',
      language: 'en',
      paymentTermsDays: 30,
      legalName: null,
      phone: null,
      website: null,
      taxId: null,
      billingAddress: null,
      shippingAddress: null,
      notes: '',
      custom: budget === null ? { industry } : { industry, budget },
    })
    const [first = '', last = ''] = contact.split(' ')
    await createContact(deps, ctx, c.id, {
      name: contact,
      email: `${first.toLowerCase()}.${last.toLowerCase()}@${email.split('@')[1]}`,
      phone: null,
      role: 'Accounts',
      isPrimary: true,
    })
  }
}
