import { registerCommand, registerSearcher } from '../../lib/registry/commands.ts'
import { registerNavItem } from '../../lib/registry/navigation.ts'

registerNavItem({
  id: 'invoices',
  to: '/invoices',
  labelKey: 'invoices.title',
  order: 30,
  permission: 'invoices:read',
  goKey: 'i',
  keywords: ['billing', 'bills'],
})
registerCommand({
  id: 'invoices.new',
  labelKey: 'invoices.new',
  order: 30,
  permission: 'invoices:write',
  keywords: ['create', 'bill', 'invoice'],
  quickAction: true,
  run: ({ navigate }) => navigate({ to: '/invoices/new' }),
})
registerSearcher({
  id: 'invoices',
  labelKey: 'invoices.title',
  order: 20,
  permission: 'invoices:read',
  load: () => import('./palette-search.ts'),
})
