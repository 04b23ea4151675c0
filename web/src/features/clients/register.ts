import { lazy } from 'react'
import { registerCommand, registerSearcher } from '../../lib/registry/commands.ts'
import { registerNavItem, registerSettingsPage } from '../../lib/registry/navigation.ts'
import { registerWidget } from '../../lib/registry/widgets.ts'

registerNavItem({
  id: 'clients',
  to: '/clients',
  labelKey: 'clients.title',
  order: 20,
  permission: 'clients:read',
  goKey: 'c',
})
registerSettingsPage({
  id: 'custom-fields',
  to: '/settings/custom-fields',
  labelKey: 'customFields.title',
  order: 50,
  permission: 'custom_fields:write',
  goKey: 'f',
})
registerCommand({
  id: 'clients.new',
  labelKey: 'clients.new',
  order: 10,
  permission: 'clients:write',
  keywords: ['create', 'add'],
  quickAction: true,
  run: ({ navigate }) => navigate({ to: '/clients/new' }),
})
registerCommand({
  id: 'clients.import',
  labelKey: 'clients.import',
  order: 20,
  permission: 'clients:write',
  keywords: ['csv', 'upload'],
  quickAction: true,
  run: ({ navigate }) => navigate({ to: '/clients/import' }),
})
registerSearcher({
  id: 'clients',
  labelKey: 'clients.title',
  order: 10,
  permission: 'clients:read',
  load: () => import('./palette-search.ts'),
})
registerWidget({
  id: 'clients.by-status',
  titleKey: 'dashboard.widgets.byStatus',
  order: 10,
  permission: 'clients:read',
  component: lazy(() => import('./widgets/status-widget.tsx')),
})
registerWidget({
  id: 'clients.new-per-week',
  titleKey: 'dashboard.widgets.perWeek',
  order: 20,
  permission: 'clients:read',
  component: lazy(() => import('./widgets/new-per-week-widget.tsx')),
})
