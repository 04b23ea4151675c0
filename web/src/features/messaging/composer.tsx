import { useMutation } from '@tanstack/react-query'
import { type KeyboardEvent, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, cn } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage } from '../../lib/errors.ts'
import { useServerSearch } from '../../lib/use-server-search.ts'
import { memberSearch } from '../members/api.ts'
import { type Message, messagingApi, type UploadedFile } from './api.ts'

const MENTION_AT_CARET = /(^|\s)@([\p{L}\p{N}._-]{0,40})$/u

type Suggestion = { id: string; label: string; hint?: string; insert: string }

/**
 * Writes a message (or a thread reply): Enter sends, Shift+Enter breaks the line; `@` opens a list of
 * members found on the server (arrows move, Enter or Tab picks, Escape closes); files are uploaded
 * through the files API as they are chosen and sent with the message.
 */
export function Composer({
  conversationId,
  label,
  parentId,
  onTyping,
  onSent,
}: {
  conversationId: string
  label: string
  parentId?: string
  onTyping?: () => void
  onSent: (message: Message) => void
}) {
  const { t } = useTranslation()
  const id = useId()
  const ref = useRef<HTMLTextAreaElement>(null)
  const [body, setBody] = useState('')
  const [files, setFiles] = useState<UploadedFile[]>([])
  const [uploading, setUploading] = useState<string[]>([])
  const [mention, setMention] = useState<{ start: number; term: string } | null>(null)
  const [active, setActive] = useState(0)
  const hits = useServerSearch(mention?.term ?? '', memberSearch)

  const suggestions: Suggestion[] = mention
    ? [
        ...(hits.data?.data ?? []).map((m) => ({
          id: m.userId,
          label: m.name,
          hint: m.email,
          insert: /\s/.test(m.name.trim()) ? `@"${m.name.trim()}"` : `@${m.name.trim()}`,
        })),
        ...('channel'.startsWith(mention.term.toLowerCase())
          ? [
              {
                id: 'channel',
                label: '@channel',
                hint: t('messaging.composer.channelMention'),
                insert: '@channel',
              },
            ]
          : []),
      ].slice(0, 8)
    : []
  const listOpen = suggestions.length > 0

  const send = useMutation({
    mutationFn: () =>
      messagingApi.post(conversationId, {
        body,
        parentId,
        attachmentIds: files.map((f) => f.id),
      }),
    onSuccess: (message) => {
      setBody('')
      setFiles([])
      setMention(null)
      onSent(message)
      ref.current?.focus()
    },
    onError: (error) => showToast({ tone: 'error', message: errorMessage(error, t) }),
  })

  const readMention = (text: string, caret: number) => {
    const match = MENTION_AT_CARET.exec(text.slice(0, caret))
    if (!match) return setMention(null)
    setMention({ start: caret - (match[2]?.length ?? 0) - 1, term: match[2] ?? '' })
    setActive(0)
  }

  const pick = (s: Suggestion) => {
    if (!mention) return
    const caret = ref.current?.selectionStart ?? body.length
    const next = `${body.slice(0, mention.start)}${s.insert} ${body.slice(caret)}`
    setBody(next)
    setMention(null)
    const at = mention.start + s.insert.length + 1
    requestAnimationFrame(() => {
      ref.current?.focus()
      ref.current?.setSelectionRange(at, at)
    })
  }

  const submit = () => {
    if ((!body.trim() && !files.length) || send.isPending || uploading.length) return
    send.mutate()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (listOpen) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        const step = event.key === 'ArrowDown' ? 1 : -1
        setActive((active + step + suggestions.length) % suggestions.length)
        return
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        const s = suggestions[active]
        if (s) {
          event.preventDefault()
          pick(s)
          return
        }
      }
      if (event.key === 'Escape') {
        event.preventDefault()
        setMention(null)
        return
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      submit()
    }
  }

  const upload = async (chosen: FileList | null) => {
    for (const file of Array.from(chosen ?? [])) {
      setUploading((u) => [...u, file.name])
      try {
        const stored = await messagingApi.upload(file)
        setFiles((f) => [...f, stored].slice(0, 10))
      } catch (error) {
        showToast({ tone: 'error', message: `${file.name}: ${errorMessage(error, t)}` })
      } finally {
        setUploading((u) => u.filter((name) => name !== file.name))
      }
    }
  }

  const listId = `${id}-mentions`
  return (
    <form
      className="relative space-y-2"
      onSubmit={(event) => {
        event.preventDefault()
        submit()
      }}
    >
      {listOpen ? (
        <div
          id={listId}
          role="listbox"
          aria-label={t('messaging.composer.mentions')}
          className="absolute bottom-full left-0 z-20 mb-1 w-72 rounded-md border border-slate-300 bg-white py-1 shadow-lg dark:border-slate-600 dark:bg-slate-900"
        >
          {suggestions.map((s, i) => (
            <div
              key={s.id}
              id={`${listId}-${i}`}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              onMouseDown={(event) => {
                event.preventDefault()
                pick(s)
              }}
              className={cn(
                'cursor-pointer px-3 py-1.5 text-sm',
                i === active && 'bg-indigo-100 text-indigo-950 dark:bg-indigo-950 dark:text-indigo-100',
              )}
            >
              <span className="font-medium">{s.label}</span>
              {s.hint ? (
                <span className="ml-2 text-xs text-slate-600 dark:text-slate-300">{s.hint}</span>
              ) : null}
            </div>
          ))}
        </div>
      ) : null}
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <textarea
        ref={ref}
        id={id}
        rows={2}
        value={body}
        placeholder={label}
        aria-describedby={`${id}-hint`}
        aria-autocomplete="list"
        aria-controls={listOpen ? listId : undefined}
        aria-activedescendant={listOpen ? `${listId}-${active}` : undefined}
        onChange={(event) => {
          setBody(event.target.value)
          readMention(event.target.value, event.target.selectionStart)
          if (event.target.value) onTyping?.()
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setMention(null)}
        className="block w-full resize-y rounded-md border border-slate-400 bg-white px-3 py-2 text-sm text-slate-900 placeholder:text-slate-500 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400"
      />
      <p id={`${id}-hint`} className="sr-only">
        {t('messaging.composer.hint')}
      </p>
      {files.length || uploading.length ? (
        <ul className="flex flex-wrap gap-2 text-sm">
          {files.map((f) => (
            <li
              key={f.id}
              className="flex items-center gap-1 rounded border border-slate-300 px-2 py-0.5 dark:border-slate-600"
            >
              {f.name}
              <button
                type="button"
                aria-label={t('messaging.composer.removeAttachment', { name: f.name })}
                className="rounded px-1 hover:bg-slate-100 dark:hover:bg-slate-800"
                onClick={() => setFiles(files.filter((x) => x.id !== f.id))}
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
          {uploading.map((name) => (
            <li key={name} className="text-slate-600 dark:text-slate-300">
              {t('messaging.composer.uploading', { name })}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex items-center justify-between gap-2">
        <label className="cursor-pointer rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 focus-within:outline-2 focus-within:outline-indigo-600 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-200 dark:hover:bg-slate-800">
          {t('messaging.composer.attach')}
          <input
            type="file"
            multiple
            className="sr-only"
            onChange={(event) => {
              void upload(event.target.files)
              event.target.value = ''
            }}
          />
        </label>
        <Button type="submit" loading={send.isPending} disabled={!!uploading.length}>
          {t('messaging.composer.send')}
        </Button>
      </div>
    </form>
  )
}
