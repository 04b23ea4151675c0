import { registerSettingsPage } from '../../lib/registry/navigation.ts'

registerSettingsPage({
  id: 'audit',
  to: '/settings/audit',
  labelKey: 'audit.title',
  order: 40,
  permission: 'audit:read',
  goKey: 'l',
})
