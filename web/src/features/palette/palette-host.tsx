import { useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type CommandContext, commands } from '../../lib/registry/commands.ts'
import type { Me } from '../auth/api.ts'
import { useBindings } from './bindings.ts'
import { displayShortcut, isTyping, matchesStep, parseShortcut } from './keys.ts'

const Palette = lazy(() => import('./palette.tsx'))
const ShortcutsDialog = lazy(() => import('./shortcuts-dialog.tsx'))

/** How long after `g` the second key of a sequence is awaited. */
const sequenceMs = 1500

/**
 * The command palette's trigger button and every keyboard shortcut. The palette and the shortcut list
 * are loaded the first time they open.
 */
export function PaletteHost({ me }: { me: Me }) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [open, setOpen] = useState<'palette' | 'shortcuts' | null>(null)
  const opener = useRef<HTMLElement | null>(null)

  const context = useMemo<CommandContext>(
    () => ({ me, navigate, queryClient, t }),
    [me, navigate, queryClient, t],
  )
  const modalOpen = useRef(open)
  modalOpen.current = open
  const show = useCallback((which: 'palette' | 'shortcuts') => {
    if (!modalOpen.current && document.activeElement instanceof HTMLElement)
      opener.current = document.activeElement
    setOpen(which)
  }, [])
  const close = useCallback(() => {
    setOpen(null)
    const target = opener.current
    setTimeout(() => {
      if (target?.isConnected && (document.activeElement === document.body || !document.activeElement))
        target.focus()
    }, 0)
  }, [])

  const bindings = useBindings(me, {
    openPalette: () => (modalOpen.current === 'palette' ? close() : show('palette')),
    openShortcuts: () => show('shortcuts'),
    go: (to) => navigate({ to }),
    runCommand: (id) => commands.get(id)?.run(context),
  })
  const latest = useRef(bindings)
  latest.current = bindings

  useEffect(() => {
    let pending: { step: string; at: number } | null = null
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || event.repeat) return
      const parsed = latest.current.map((binding) => ({ binding, steps: parseShortcut(binding.shortcut) }))
      const first = parsed.find(({ steps }) => steps[0]?.mod && matchesStep(event, steps[0]))
      // Ctrl/⌘ shortcuts work everywhere, even while typing; the others only outside inputs and dialogs.
      if (first && first.steps.length === 1) {
        event.preventDefault()
        first.binding.run()
        return
      }
      if (modalOpen.current || isTyping(event.target) || document.querySelector('dialog[open]')) return
      if (pending && Date.now() - pending.at < sequenceMs) {
        const previous = pending.step
        pending = null
        const hit = parsed.find(
          ({ steps }) =>
            steps.length === 2 &&
            steps[0] &&
            steps[1] &&
            steps[0].key === previous &&
            matchesStep(event, steps[1]),
        )
        if (hit) {
          event.preventDefault()
          hit.binding.run()
          return
        }
      }
      pending = null
      if (parsed.some(({ steps }) => steps.length === 2 && steps[0] && matchesStep(event, steps[0]))) {
        pending = { step: event.key.toLowerCase(), at: Date.now() }
        return
      }
      const single = parsed.find(
        ({ steps }) => steps.length === 1 && steps[0] && matchesStep(event, steps[0]),
      )
      if (single) {
        event.preventDefault()
        single.binding.run()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  const keys = displayShortcut('mod+k')[0]!
  return (
    <>
      <button
        type="button"
        onClick={() => show('palette')}
        aria-haspopup="dialog"
        aria-keyshortcuts={keys.join('+') === '⌘+K' ? 'Meta+K' : 'Control+K'}
        className="flex items-center gap-3 rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-200 dark:hover:bg-slate-800"
      >
        <span>{t('palette.trigger')}</span>
        <kbd className="hidden rounded border border-slate-300 px-1.5 font-sans text-xs sm:inline dark:border-slate-600">
          {keys.join(' ')}
        </kbd>
      </button>
      <Suspense fallback={null}>
        {open === 'palette' ? (
          <Palette
            context={context}
            onClose={close}
            onShowShortcuts={() => {
              setOpen('shortcuts')
            }}
          />
        ) : null}
        {open === 'shortcuts' ? <ShortcutsDialog bindings={bindings} onClose={close} /> : null}
      </Suspense>
    </>
  )
}
