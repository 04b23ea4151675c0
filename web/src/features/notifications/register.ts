import { registerRealtimeHandler } from '../../lib/realtime.ts'
import { registerHeaderItem } from '../../lib/registry/header.ts'
import { registerSettingsPage } from '../../lib/registry/navigation.ts'
import { notificationKeys } from './api.ts'
import { NotificationBell } from './bell.tsx'

registerHeaderItem({ id: 'notifications', order: 10, component: NotificationBell })
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
  invalidate: () => [notificationKeys.all],
})
