import { registerSettingsPage } from '../../lib/registry/navigation.ts'

registerSettingsPage({
  id: 'payments',
  to: '/settings/payments',
  labelKey: 'payments.settings.title',
  order: 57,
  permission: 'payments:gateways',
  keywords: ['stripe', 'card', 'pay now', 'gateway', 'checkout'],
})
