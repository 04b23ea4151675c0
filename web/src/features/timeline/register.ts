import { lazy } from 'react'
import { registerWidget } from '../../lib/registry/widgets.ts'

registerWidget({
  id: 'my-tasks',
  titleKey: 'timeline.widget.title',
  order: 30,
  permission: 'timeline:read',
  component: lazy(() => import('./my-tasks-widget.tsx')),
})
