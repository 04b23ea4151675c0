import { registerShellBanner } from '../../lib/registry/header.ts'
import { registerSettingsPage } from '../../lib/registry/navigation.ts'
import { BillingNotices } from './notices.tsx'

registerSettingsPage({
  id: 'billing',
  to: '/settings/billing',
  labelKey: 'billing.title',
  order: 58,
  permission: 'billing:read',
  keywords: ['plan', 'subscription', 'usage'],
})
registerShellBanner({ id: 'billing', order: 10, component: BillingNotices })
