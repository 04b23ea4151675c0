import type { ComponentType } from 'react'
import type { Me } from '../../features/auth/api.ts'
import { createRegistry } from './store.ts'

/**
 * Small controls in the app shell's header, beside the command palette and the user menu (the
 * notifications bell). A feature adds one from its `register.ts`; keep them light, they load with the shell.
 */
export type HeaderItem = { id: string; order: number; component: ComponentType<{ me: Me }> }

export const headerItems = createRegistry<HeaderItem>('header item')
export const registerHeaderItem = (item: HeaderItem) => headerItems.register(item)

/**
 * Notices above every page's content (a failed payment). A feature adds one from its `register.ts`; it
 * renders nothing when it has nothing to say, and loads with the shell, so keep it tiny.
 */
export const shellBanners = createRegistry<HeaderItem>('shell banner')
export const registerShellBanner = (item: HeaderItem) => shellBanners.register(item)
