import { type KeyboardEvent, type ReactNode, useId, useMemo, useRef, useState } from 'react'
import { cn } from './cn.ts'
import { borderFor, controlClasses, describedBy, FieldShell } from './field.tsx'

export type ComboOption = { value: string; label: string; hint?: string }

const normalise = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()

/**
 * A searchable list (WAI-ARIA combobox with a listbox): type to filter by label or value, arrows to
 * move, Enter to pick, Escape to close (a second Escape reaches `onEscape`). Options live in memory
 * (a few hundred at most: currencies, countries, time zones).
 */
export function Combobox({
  label,
  hideLabel,
  options,
  value,
  onChange,
  onEscape,
  placeholder,
  hint,
  error,
  className,
  noneLabel,
  onSearch,
  emptyLabel,
  autoFocus,
  inline,
  onBlur,
}: {
  label: ReactNode
  hideLabel?: boolean
  options: ComboOption[]
  value: string | null
  onChange: (value: string | null) => void
  onEscape?: () => void
  placeholder?: string
  hint?: ReactNode
  error?: string
  className?: string
  /** When given, a first option that clears the value. */
  noneLabel?: string
  /** Searches elsewhere (the server) as the user types; `options` are then shown as given. */
  onSearch?: (text: string) => void
  /** Said in the open list when nothing matches. */
  emptyLabel?: string
  /** Focused (and so open) on mount: the user has just asked to choose. */
  autoFocus?: boolean
  /** The list shows in the flow of the page (in a dialog) rather than floating over it. */
  inline?: boolean
  /** Focus has left the field (picking an option with the pointer keeps it). */
  onBlur?: () => void
}) {
  const id = useId()
  const listId = `${id}-list`
  const selected = options.find((o) => o.value === value)
  const [text, setText] = useState(selected?.label ?? '')
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(0)
  const listRef = useRef<HTMLDivElement>(null)
  const matches = useMemo(() => {
    const q = normalise(text.trim())
    const all = noneLabel ? [{ value: '', label: noneLabel }, ...options] : options
    if (onSearch || !q || q === normalise(selected?.label ?? '\u0000')) return all.slice(0, 100)
    return all.filter((o) => normalise(`${o.label} ${o.value}`).includes(q)).slice(0, 100)
  }, [text, options, selected, noneLabel, onSearch])

  const pick = (o: ComboOption) => {
    setText(o.value ? o.label : '')
    setOpen(false)
    onChange(o.value || null)
  }
  const move = (to: number) => {
    const next = Math.max(0, Math.min(matches.length - 1, to))
    setActive(next)
    listRef.current?.children[next]?.scrollIntoView({ block: 'nearest' })
  }
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault()
      if (!open) setOpen(true)
      else move(active + 1)
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      move(active - 1)
    } else if (e.key === 'Enter') {
      const o = open ? matches[active] : undefined
      if (o) {
        e.preventDefault()
        e.stopPropagation()
        pick(o)
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault()
        e.stopPropagation()
        setOpen(false)
        setText(selected?.label ?? '')
      } else onEscape?.()
    }
  }
  return (
    <FieldShell
      id={id}
      label={label}
      hideLabel={hideLabel}
      hint={hint}
      error={error}
      className={cn('relative', className)}
    >
      <input
        id={id}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && matches[active] ? `${id}-opt-${active}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        // biome-ignore lint/a11y/noAutofocus: only where the user has just asked to choose a value
        autoFocus={autoFocus}
        autoComplete="off"
        placeholder={placeholder}
        value={text}
        onChange={(e) => {
          setText(e.target.value)
          onSearch?.(e.target.value)
          setOpen(true)
          setActive(0)
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onBlur={() => {
          setTimeout(() => setOpen(false), 150)
          onBlur?.()
        }}
        onKeyDown={onKeyDown}
        className={cn(controlClasses, borderFor(error))}
      />
      <div
        ref={listRef}
        id={listId}
        role="listbox"
        aria-label={typeof label === 'string' ? label : undefined}
        hidden={!open || (matches.length === 0 && !emptyLabel)}
        className={cn(
          inline ? 'max-h-48' : 'absolute z-30 max-h-60 shadow-lg',
          'mt-1 w-full min-w-56 overflow-auto rounded-md border border-slate-300 bg-white py-1 text-sm dark:border-slate-600 dark:bg-slate-900',
        )}
      >
        {matches.map((o, i) => (
          <div
            key={o.value || '__none'}
            tabIndex={-1}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={o.value === (value ?? '')}
            onMouseDown={(e) => {
              e.preventDefault()
              pick(o)
            }}
            onMouseEnter={() => setActive(i)}
            className={cn(
              'flex cursor-pointer justify-between gap-3 px-3 py-1.5',
              i === active && 'bg-indigo-100 text-indigo-950 dark:bg-indigo-900 dark:text-indigo-50',
            )}
          >
            <span>{o.label}</span>
            {o.hint ? <span className="text-slate-600 dark:text-slate-300">{o.hint}</span> : null}
          </div>
        ))}
        {matches.length === 0 && emptyLabel ? (
          <div
            role="option"
            tabIndex={-1}
            aria-selected="false"
            aria-disabled="true"
            className="px-3 py-1.5 text-slate-600 dark:text-slate-300"
          >
            {emptyLabel}
          </div>
        ) : null}
      </div>
    </FieldShell>
  )
}
