import { type ReactNode, useCallback, useId, useRef, useState } from 'react'
import { cn } from '../../components/ui/index.ts'
import { useDismiss } from './disclosure.ts'

export function usePopover() {
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLDivElement>(null)
  const id = useId()
  const close = useCallback(() => setOpen(false), [])
  useDismiss(ref, open, close)
  return { open, setOpen, close, ref, id }
}

export function Popover({
  state,
  trigger,
  triggerClassName,
  panelClassName,
  children,
}: {
  state: ReturnType<typeof usePopover>
  trigger: ReactNode
  triggerClassName: string
  panelClassName: string
  children: ReactNode
}) {
  return (
    <div ref={state.ref} className="relative">
      <button
        type="button"
        aria-expanded={state.open}
        aria-controls={state.id}
        onClick={() => state.setOpen(!state.open)}
        className={triggerClassName}
      >
        {trigger}
      </button>
      {state.open ? (
        <div
          id={state.id}
          className={cn(
            'absolute z-20 mt-2 w-64 rounded-md border border-slate-200 bg-white shadow-lg dark:border-slate-700 dark:bg-slate-900',
            panelClassName,
          )}
        >
          {children}
        </div>
      ) : null}
    </div>
  )
}
