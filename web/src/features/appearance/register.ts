import { registerCommand } from '../../lib/registry/commands.ts'
import { registerSettingsPage } from '../../lib/registry/navigation.ts'
import { applyTheme, readThemePreference, setThemePreference } from '../../lib/theme.ts'

registerSettingsPage({
  id: 'appearance',
  to: '/settings/appearance',
  labelKey: 'appearance.title',
  order: 60,
  keywords: ['theme', 'dark', 'light'],
})
registerCommand({
  id: 'appearance.toggle-theme',
  labelKey: 'appearance.toggleTheme',
  order: 80,
  keywords: ['dark', 'light', 'theme'],
  shortcut: 'shift+t',
  run: () => {
    applyTheme()
    const dark = document.documentElement.classList.contains('dark')
    setThemePreference(dark ? 'light' : 'dark')
    return readThemePreference()
  },
})
