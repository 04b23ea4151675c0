import { registerCommand } from '../../lib/registry/commands.ts'
import { registerNavItem } from '../../lib/registry/navigation.ts'

registerNavItem({
  id: 'quotes',
  to: '/quotes',
  labelKey: 'quotes.title',
  order: 31,
  permission: 'invoices:read',
  goKey: 'q',
  keywords: ['estimate', 'offer', 'proposal'],
})
registerCommand({
  id: 'quotes.new',
  labelKey: 'quotes.new',
  order: 31,
  permission: 'invoices:write',
  keywords: ['create', 'estimate', 'offer', 'quote'],
  run: ({ navigate }) => navigate({ to: '/quotes/new' }),
})
