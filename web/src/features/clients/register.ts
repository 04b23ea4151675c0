import { registerCommand, registerSearcher } from '../../lib/registry/commands.ts'
import { registerNavItem, registerSettingsPage } from '../../lib/registry/navigation.ts'

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
  run: ({ navigate }) => navigate({ to: '/clients/new' }),
})
registerCommand({
  id: 'clients.import',
  labelKey: 'clients.import',
  order: 20,
  permission: 'clients:write',
  keywords: ['csv', 'upload'],
  run: ({ navigate }) => navigate({ to: '/clients/import' }),
})
registerSearcher({
  id: 'clients',
  labelKey: 'clients.title',
  order: 10,
  permission: 'clients:read',
  load: () => import('./palette-search.ts'),
})
