import { registerNavItem } from '../../lib/registry/navigation.ts'

registerNavItem({
  id: 'credit-notes',
  to: '/credit-notes',
  labelKey: 'creditNotes.title',
  order: 32,
  permission: 'invoices:read',
  keywords: ['refund', 'credit', 'billing'],
})
