import { registerSettingsPage } from '../../lib/registry/navigation.ts'

registerSettingsPage({
  id: 'members',
  to: '/settings/members',
  labelKey: 'members.title',
  order: 20,
  goKey: 'm',
})
