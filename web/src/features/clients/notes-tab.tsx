import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ActionFeedback, Button, Card, cn, EmptyState, Textarea } from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { can } from '../auth/api.ts'
import { clientQuery, clientsApi, clientsKey } from './api.ts'
import { MarkdownView } from './markdown.tsx'
import type { ClientTabProps } from './tabs.ts'

const maxLength = 20000

export function NotesTab({ client, me }: ClientTabProps) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const previewId = useId()
  const [text, setText] = useState(client.notes)
  const [mode, setMode] = useState<'write' | 'preview'>('write')
  const [notice, setNotice] = useState<string | null>(null)
  const save = useMutation({
    mutationFn: () => clientsApi.update({ clientId: client.id, input: { notes: text } }),
    onSuccess: (updated) => {
      queryClient.setQueryData(clientQuery(client.id).queryKey, updated)
      void queryClient.invalidateQueries({ queryKey: clientsKey })
      setNotice(t('clients.notes.saved'))
    },
  })
  const canWrite = can(me, 'clients:write')
  const dirty = text !== client.notes

  if (!canWrite) {
    return (
      <Card title={t('clients.notes.title')}>
        {client.notes.trim() ? (
          <MarkdownView source={client.notes} />
        ) : (
          <EmptyState title={t('clients.notes.empty')} />
        )}
      </Card>
    )
  }

  const modeButton = (value: 'write' | 'preview', label: string) => (
    <button
      type="button"
      aria-pressed={mode === value}
      onClick={() => setMode(value)}
      className={cn(
        'rounded-md px-3 py-1.5 text-sm font-medium',
        mode === value
          ? 'bg-indigo-100 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100'
          : 'text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800',
      )}
    >
      {label}
    </button>
  )

  return (
    <Card
      title={t('clients.notes.title')}
      actions={
        <fieldset className="flex gap-1">
          <legend className="sr-only">{t('clients.notes.mode')}</legend>
          {modeButton('write', t('clients.notes.write'))}
          {modeButton('preview', t('clients.notes.preview'))}
        </fieldset>
      }
    >
      <form
        noValidate
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault()
          setNotice(null)
          save.mutate()
        }}
      >
        <ActionFeedback
          error={save.error && !fieldErrorsOf(save.error).notes ? errorMessage(save.error, t) : null}
          notice={dirty ? null : notice}
        />
        {mode === 'write' ? (
          <Textarea
            label={t('clients.notes.title')}
            hideLabel
            name="notes"
            rows={12}
            maxLength={maxLength}
            hint={t('clients.notes.markdownHint')}
            className="font-mono"
            value={text}
            onChange={(e) => setText(e.target.value)}
            error={fieldErrorsOf(save.error).notes}
          />
        ) : (
          <section
            id={previewId}
            aria-label={t('clients.notes.preview')}
            className="min-h-40 rounded-md border border-slate-300 p-4 dark:border-slate-600"
          >
            {text.trim() ? (
              <MarkdownView source={text} />
            ) : (
              <p className="text-sm text-slate-600 dark:text-slate-300">
                {t('clients.notes.nothingToPreview')}
              </p>
            )}
          </section>
        )}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" loading={save.isPending} disabled={!dirty}>
            {t('clients.notes.save')}
          </Button>
          {dirty ? (
            <Button variant="ghost" onClick={() => setText(client.notes)}>
              {t('clients.notes.discard')}
            </Button>
          ) : null}
          <span className="text-xs text-slate-600 dark:text-slate-300">
            {t('clients.notes.length', { count: text.length, max: maxLength })}
          </span>
        </div>
      </form>
    </Card>
  )
}
