import { useTranslation } from 'react-i18next'
import { commands } from '../../lib/registry/commands.ts'
import { type NavItem, navigation } from '../../lib/registry/navigation.ts'
import { canSee, type Me } from '../auth/api.ts'

/** A shortcut and what it does, as listed by `?` and run by the key handler. */
export type Binding = { id: string; shortcut: string; label: string; run: () => unknown }

type Actions = {
  openPalette: () => void
  openShortcuts: () => void
  go: (to: NavItem['to']) => unknown
  runCommand: (id: string) => unknown
}

/** Every shortcut the user has: the palette's own, `g` + a letter per page, and the commands' ones. */
export function useBindings(me: Me, actions: Actions): Binding[] {
  const { t } = useTranslation()
  const pages = navigation.use()
  const all = commands.use()
  return [
    { id: 'palette', shortcut: 'mod+k', label: t('palette.open'), run: actions.openPalette },
    { id: 'shortcuts', shortcut: '?', label: t('palette.shortcuts.title'), run: actions.openShortcuts },
    ...pages
      .filter((page) => page.goKey && canSee(me, page))
      .map((page) => ({
        id: `go.${page.id}`,
        shortcut: `g ${page.goKey}`,
        label: t('palette.goTo', { page: t(page.labelKey) }),
        run: () => actions.go(page.to),
      })),
    ...all
      .filter((command) => command.shortcut && canSee(me, command))
      .map((command) => ({
        id: command.id,
        shortcut: command.shortcut!,
        label: t(command.labelKey),
        run: () => actions.runCommand(command.id),
      })),
  ]
}
