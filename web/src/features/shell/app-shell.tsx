import { Link, useRouterState } from '@tanstack/react-router'
import { type ReactNode, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, cn } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { Toaster } from '../../components/ui/toast.tsx'
import { useDocumentTitle } from '../../lib/document-title.ts'
import { headerItems, shellBanners } from '../../lib/registry/header.ts'
import { type NavItem, navigation } from '../../lib/registry/navigation.ts'
import { useTwoFactorRequired } from '../../lib/two-factor-required.ts'
import { canSee, type Me } from '../auth/api.ts'
import { PaletteHost } from '../palette/palette-host.tsx'
import { UserMenu } from './user-menu.tsx'
import { WorkspaceSwitcher } from './workspace-switcher.tsx'

/** The controls features add to the header (`registerHeaderItem`), in their order. */
function HeaderItems({ me }: { me: Me }) {
  const items = headerItems.use()
  return (
    <>
      {items.map((item) => (
        <item.component key={item.id} me={me} />
      ))}
    </>
  )
}

/** The notices features add above the page (`registerShellBanner`), in their order. */
function Banners({ me }: { me: Me }) {
  const items = shellBanners.use()
  return (
    <>
      {items.map((item) => (
        <item.component key={item.id} me={me} />
      ))}
    </>
  )
}

function NavList({ items, onNavigate }: { items: readonly NavItem[]; onNavigate?: () => void }) {
  const { t } = useTranslation()
  return (
    <ul className="space-y-1">
      {items.map((item) => (
        <li key={item.id}>
          <Link
            to={item.to}
            onClick={onNavigate}
            activeOptions={{ exact: item.exact ?? false }}
            className="flex items-center justify-between gap-2 rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800"
            activeProps={{
              className:
                'bg-indigo-100 text-indigo-900 hover:bg-indigo-100 dark:bg-indigo-950 dark:text-indigo-100',
              'aria-current': 'page',
            }}
          >
            {t(item.labelKey)}
            {item.badge ? <item.badge /> : null}
          </Link>
        </li>
      ))}
    </ul>
  )
}

/** The registered pages the user may open, main areas first, then a "Settings" group. */
function NavLinks({ me, onNavigate }: { me: Me; onNavigate?: () => void }) {
  const { t } = useTranslation()
  const items = navigation.use().filter((item) => canSee(me, item))
  const settings = items.filter((item) => item.section === 'settings')
  return (
    <>
      <NavList items={items.filter((item) => item.section === 'main')} onNavigate={onNavigate} />
      {settings.length > 0 ? (
        <>
          <h2 className="mt-5 mb-1 px-3 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
            {t('shell.settings')}
          </h2>
          <NavList items={settings} onNavigate={onNavigate} />
        </>
      ) : null}
    </>
  )
}

export function AppShell({ me, children }: { me: Me; children: ReactNode }) {
  const { t } = useTranslation()
  const [menuOpen, setMenuOpen] = useState(false)
  const mobileNavId = useId()
  const pathname = useRouterState({ select: (state) => state.location.pathname })
  const twoFactorFlag = useTwoFactorRequired()
  const needsTwoFactor =
    twoFactorFlag || (me.activeWorkspace?.requireTwoFactor === true && !me.user.twoFactorEnabled)

  const mainRef = useRef<HTMLElement>(null)
  const previousPath = useRef(pathname)

  useEffect(() => {
    setMenuOpen(false)
    if (previousPath.current !== pathname) {
      previousPath.current = pathname
      mainRef.current?.focus()
    }
  }, [pathname])

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
      >
        {t('shell.skipToContent')}
      </a>
      <header className="sticky top-0 z-10 border-b border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-2 px-4 sm:gap-3">
          <button
            type="button"
            className="rounded-md border border-slate-300 px-2.5 py-1.5 text-sm font-medium md:hidden dark:border-slate-600"
            aria-expanded={menuOpen}
            aria-controls={mobileNavId}
            onClick={() => setMenuOpen(!menuOpen)}
          >
            {menuOpen ? t('shell.closeMenu') : t('shell.menu')}
          </button>
          <Link
            to="/"
            className="hidden font-bold tracking-tight text-indigo-800 sm:inline dark:text-indigo-300"
          >
            {t('app.name')}
          </Link>
          <WorkspaceSwitcher me={me} />
          <div className="ml-auto flex items-center gap-2 sm:gap-3">
            <HeaderItems me={me} />
            <PaletteHost me={me} />
            <UserMenu me={me} />
          </div>
        </div>
        {menuOpen ? (
          <nav
            id={mobileNavId}
            aria-label={t('shell.mainNavigation')}
            className="border-t border-slate-200 px-4 py-3 md:hidden dark:border-slate-700"
          >
            <NavLinks me={me} onNavigate={() => setMenuOpen(false)} />
          </nav>
        ) : null}
      </header>
      <div className="mx-auto flex max-w-7xl gap-6 px-4 py-6">
        <nav aria-label={t('shell.mainNavigation')} className={cn('hidden w-56 shrink-0 md:block')}>
          <NavLinks me={me} />
        </nav>
        <main ref={mainRef} id="main" tabIndex={-1} className="min-w-0 flex-1 space-y-6 focus:outline-none">
          {needsTwoFactor ? (
            <Alert tone="warning" title={t('shell.twoFactorRequired.title')}>
              {t('shell.twoFactorRequired.body')}{' '}
              <Link to="/settings/security" className={linkClasses}>
                {t('shell.twoFactorRequired.action')}
              </Link>
            </Alert>
          ) : null}
          <Banners me={me} />
          {children}
          <Toaster />
        </main>
      </div>
    </div>
  )
}

export function PageHeader({ title, description }: { title: ReactNode; description?: ReactNode }) {
  useDocumentTitle(title)
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      {description ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{description}</p> : null}
    </div>
  )
}
