import { registerNavItem } from '../../lib/registry/navigation.ts'

registerNavItem({
  id: 'operator',
  to: '/operator',
  labelKey: 'operator.title',
  order: 90,
  operator: true,
  keywords: ['plans', 'workspaces'],
})
