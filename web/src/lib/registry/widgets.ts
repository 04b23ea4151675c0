import type { ParseKeys } from 'i18next'
import type { ComponentType } from 'react'
import type { Me, Permission } from '../../features/auth/api.ts'
import { createRegistry } from './store.ts'

export type WidgetProps = { me: Me }

/**
 * A dashboard widget. Components should be `lazy(() => import(...))` so the dashboard's code loads only
 * with the dashboard. `order` is the default position; each member may reorder and hide widgets.
 */
export type Widget = {
  id: string
  titleKey: ParseKeys
  order: number
  permission?: Permission
  /** `wide` spans the full row on large screens. */
  size?: 'normal' | 'wide'
  /** Hidden until a member adds it. */
  hiddenByDefault?: boolean
  component: ComponentType<WidgetProps>
}

export const widgets = createRegistry<Widget>('widget')
export const registerWidget = (widget: Widget) => widgets.register(widget)
