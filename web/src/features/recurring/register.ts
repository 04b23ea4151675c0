import { registerCommand } from '../../lib/registry/commands.ts'
import { registerNavItem } from '../../lib/registry/navigation.ts'

registerNavItem({
  id: 'recurring',
  to: '/recurring',
  labelKey: 'recurring.title',
  order: 33,
  permission: 'invoices:read',
  feature: 'recurringInvoices',
  keywords: ['subscription', 'retainer', 'repeat', 'schedule'],
})
registerCommand({
  id: 'recurring.new',
  labelKey: 'recurring.new',
  order: 33,
  permission: 'invoices:write',
  feature: 'recurringInvoices',
  keywords: ['create', 'subscription', 'retainer', 'repeat'],
  run: ({ navigate }) => navigate({ to: '/recurring/new' }),
})
