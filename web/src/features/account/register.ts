import { registerSettingsPage } from '../../lib/registry/navigation.ts'

registerSettingsPage({
  id: 'profile',
  to: '/settings/profile',
  labelKey: 'profile.title',
  order: 5,
  goKey: 'p',
  keywords: ['account', 'password', 'email', 'time zone', 'language', 'avatar'],
})
