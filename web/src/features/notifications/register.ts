import { registerRealtimeHandler } from '../../lib/realtime.ts'
import { registerHeaderItem } from '../../lib/registry/header.ts'
import { registerSettingsPage } from '../../lib/registry/navigation.ts'
import { LazyNotificationBell } from './lazy-bell.tsx'

registerHeaderItem({ id: 'notifications', order: 10, component: LazyNotificationBell })
registerSettingsPage({
  id: 'notifications',
  to: '/settings/notifications',
  labelKey: 'notifications.preferences.title',
  order: 25,
  keywords: ['email', 'push', 'digest'],
})
registerRealtimeHandler({
  id: 'notifications',
  order: 0,
  types: ['notification.'],
  // Every notifications query (`notificationKeys.all`): the badge, the lists, the settings.
  invalidate: () => [['notifications']],
})
