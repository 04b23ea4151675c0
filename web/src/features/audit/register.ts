import { lazy } from 'react'
import { registerSettingsPage } from '../../lib/registry/navigation.ts'
import { registerWidget } from '../../lib/registry/widgets.ts'

registerSettingsPage({
  id: 'audit',
  to: '/settings/audit',
  labelKey: 'audit.title',
  order: 40,
  permission: 'audit:read',
  goKey: 'l',
})
registerWidget({
  id: 'audit.recent',
  titleKey: 'dashboard.widgets.recentActivity',
  order: 40,
  permission: 'audit:read',
  component: lazy(() => import('./recent-activity-widget.tsx')),
})
