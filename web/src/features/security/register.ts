import { registerSettingsPage } from '../../lib/registry/navigation.ts'

registerSettingsPage({
  id: 'security',
  to: '/settings/security',
  labelKey: 'security.title',
  order: 30,
  goKey: 's',
  keywords: ['2fa', 'two-factor', 'sessions'],
})
