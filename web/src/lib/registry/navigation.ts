import type { LinkProps } from '@tanstack/react-router'
import type { ParseKeys } from 'i18next'
import type { ComponentType } from 'react'
import type { Visibility } from '../../features/auth/api.ts'
import { createRegistry } from './store.ts'

/**
 * The app shell's navigation. A feature adds its pages from its `register.ts`; the shell lists them by
 * section and order, the command palette offers them as "go to", and `g` then `goKey` jumps to them.
 */
export type NavItem = Visibility & {
  id: string
  to: NonNullable<LinkProps['to']>
  /** i18n key of the label. */
  labelKey: ParseKeys
  /** `main` for the work areas, `settings` for the settings pages. */
  section: 'main' | 'settings'
  /** Ascending within the section; the built-ins use multiples of 10. */
  order: number
  /** Active only on the exact path (the dashboard at `/`). */
  exact?: boolean
  /** The letter that follows `g` to jump here. */
  goKey?: string
  /** Extra words the palette matches. */
  keywords?: string[]
  /** A small count beside the label (unread messages); keep it light, it loads with the shell. */
  badge?: ComponentType
}

export const navigation = createRegistry<NavItem>('navigation item')

export const registerNavItem = (item: Omit<NavItem, 'section'>) =>
  navigation.register({ ...item, section: 'main' })
export const registerSettingsPage = (item: Omit<NavItem, 'section'>) =>
  navigation.register({ ...item, section: 'settings' })
