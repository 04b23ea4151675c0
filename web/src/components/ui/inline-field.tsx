import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'
import { Button } from './button.tsx'
import { cn } from './cn.ts'

export type InlineEditor<V> = {
  value: V
  onChange: (value: V) => void
  /** Saves now, optionally with a value picked at that moment (a list choice). */
  commit: (value?: V) => void
  cancel: () => void
  /** Enter saves and Escape cancels; editors put it on their input. */
  onKeyDown: (event: KeyboardEvent<HTMLElement>) => void
  label: string
  error?: string
}

/**
 * One field of a record page: its value, and on click an editor in its place. Enter saves, Escape
 * cancels, focus comes back to the field either way; a refused value keeps the editor open with the
 * server's message.
 */
export function InlineField<V>({
  label,
  value,
  display,
  canEdit,
  onSave,
  editor,
  errorKey,
  className,
}: {
  label: string
  value: V
  display: ReactNode
  canEdit: boolean
  onSave: (value: V) => Promise<unknown>
  editor: (props: InlineEditor<V>) => ReactNode
  /** The field name the server uses in problem `errors` (defaults to any field error). */
  errorKey?: string
  className?: string
}) {
  const { t } = useTranslation()
  const labelId = useId()
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(value)
  const [error, setError] = useState<string | undefined>()
  const [saving, setSaving] = useState(false)
  const button = useRef<HTMLButtonElement>(null)
  const editorRef = useRef<HTMLDivElement>(null)
  const refocus = useRef(false)
  useEffect(() => {
    if (editing) editorRef.current?.querySelector<HTMLElement>('input, select, textarea')?.focus()
    else if (refocus.current) {
      refocus.current = false
      button.current?.focus()
    }
  }, [editing])

  const close = () => {
    refocus.current = true
    setEditing(false)
    setError(undefined)
  }
  const commit = async (next: V = draft) => {
    if (saving) return
    if (JSON.stringify(next) === JSON.stringify(value)) return close()
    setSaving(true)
    try {
      await onSave(next)
      close()
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors : {}
      const own = errorKey
        ? Object.entries(fields).find(([k]) => k === errorKey || k.startsWith(`${errorKey}.`))
        : Object.entries(fields)[0]
      setError(own?.[1] ?? errorMessage(err, t))
    } finally {
      setSaving(false)
    }
  }
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault()
      close()
    } else if (e.key === 'Enter' && !(e.target instanceof HTMLTextAreaElement && !e.ctrlKey && !e.metaKey)) {
      e.preventDefault()
      void commit()
    }
  }
  const empty = display === null || display === undefined || display === ''
  return (
    <div className={cn('min-w-0', className)}>
      <dt
        id={labelId}
        className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300"
      >
        {label}
      </dt>
      <dd className="mt-0.5 text-sm">
        {editing ? (
          <div ref={editorRef} className="space-y-2">
            {editor({
              value: draft,
              onChange: setDraft,
              commit: (v) => void commit(v),
              cancel: close,
              onKeyDown,
              label,
              error,
            })}
            <div className="flex gap-2">
              <Button loading={saving} onClick={() => void commit()}>
                {t('inline.save')}
              </Button>
              <Button variant="ghost" onClick={close}>
                {t('common.cancel')}
              </Button>
            </div>
          </div>
        ) : canEdit ? (
          <button
            ref={button}
            type="button"
            aria-describedby={labelId}
            onClick={() => {
              setDraft(value)
              setError(undefined)
              setEditing(true)
            }}
            className="-mx-1.5 block w-full rounded px-1.5 py-0.5 text-left break-words whitespace-pre-line hover:bg-slate-100 dark:hover:bg-slate-800"
          >
            <span className="sr-only">{t('inline.edit', { field: label })} </span>
            {empty ? <span className="text-slate-500 dark:text-slate-400">—</span> : display}
          </button>
        ) : (
          <span className="block break-words whitespace-pre-line">{empty ? '—' : display}</span>
        )}
      </dd>
    </div>
  )
}
