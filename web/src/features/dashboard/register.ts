import { registerNavItem } from '../../lib/registry/navigation.ts'

registerNavItem({ id: 'dashboard', to: '/', labelKey: 'dashboard.title', order: 10, exact: true, goKey: 'd' })
