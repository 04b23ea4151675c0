import { lazy } from 'react'
import { registerNavItem } from '../../lib/registry/navigation.ts'
import { registerWidget } from '../../lib/registry/widgets.ts'

registerNavItem({ id: 'dashboard', to: '/', labelKey: 'dashboard.title', order: 10, exact: true, goKey: 'd' })
registerWidget({
  id: 'quick-actions',
  titleKey: 'dashboard.widgets.quickActions',
  order: 5,
  size: 'wide',
  component: lazy(() => import('./quick-actions-widget.tsx')),
})
