import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ActionFeedback,
  Button,
  ConfirmDialog,
  cn,
  EmptyState,
  Form,
  FormError,
  QueryState,
  Textarea,
} from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { MarkdownView } from '../clients/markdown.tsx'
import { activitySentences, type FieldDescriber } from './activity-text.ts'
import {
  type Note,
  type RecordRef,
  type TimelineEntry,
  timelineApi,
  timelineKey,
  timelineQuery,
} from './api.ts'
import { TaskForm, TaskList } from './tasks.tsx'

/**
 * A record's timeline: a composer for notes and tasks, the open tasks, then notes, tasks and activity
 * newest first. Any record page mounts it with its record type, id and field names.
 */
export function Timeline({
  record,
  me,
  canWrite,
  fields,
  pinned,
}: {
  record: RecordRef
  me: { id: string; name: string }
  canWrite: boolean
  fields: FieldDescriber
  /** Shown first, above the entries (a record's earlier free-text notes). */
  pinned?: ReactNode
}) {
  const { t } = useTranslation()
  const feed = useInfiniteQuery(timelineQuery(record))
  const entries = feed.data?.pages.flatMap((p) => p.data) ?? []
  const people = Object.assign({}, ...(feed.data?.pages.map((p) => p.people) ?? [])) as Record<string, string>
  return (
    <div className="space-y-5">
      {canWrite ? <Composer record={record} me={me} /> : null}
      <TaskList record={record} canWrite={canWrite} />
      {pinned}
      <section aria-labelledby="timeline-heading" className="space-y-3">
        <h3 id="timeline-heading" className="text-sm font-semibold">
          {t('timeline.title')}
        </h3>
        <QueryState
          query={feed}
          isEmpty={() => entries.length === 0}
          empty={<EmptyState title={t('timeline.empty')} />}
        >
          {() => (
            <>
              <ol className="space-y-4 border-l border-slate-300 pl-5 dark:border-slate-600">
                {entries.map((entry) => (
                  <Entry
                    key={`${entry.kind}:${entryId(entry)}`}
                    entry={entry}
                    people={people}
                    fields={fields}
                    record={record}
                  />
                ))}
              </ol>
              {feed.hasNextPage ? (
                <Button
                  variant="secondary"
                  loading={feed.isFetchingNextPage}
                  onClick={() => feed.fetchNextPage()}
                >
                  {t('timeline.loadMore')}
                </Button>
              ) : null}
            </>
          )}
        </QueryState>
      </section>
    </div>
  )
}

const entryId = (e: TimelineEntry) =>
  e.kind === 'note' ? e.note.id : e.kind === 'task' ? e.task.id : e.activity.id

function Composer({ record, me }: { record: RecordRef; me: { id: string; name: string } }) {
  const { t } = useTranslation()
  const [mode, setMode] = useState<'note' | 'task'>('note')
  const [notice, setNotice] = useState<string | null>(null)
  const tab = (value: 'note' | 'task', label: string) => (
    <button
      type="button"
      aria-pressed={mode === value}
      onClick={() => {
        setMode(value)
        setNotice(null)
      }}
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
    <section
      aria-label={t('timeline.composer.label')}
      className="space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-700"
    >
      <fieldset className="flex gap-1">
        <legend className="sr-only">{t('timeline.composer.label')}</legend>
        {tab('note', t('timeline.composer.note'))}
        {tab('task', t('timeline.composer.task'))}
      </fieldset>
      <ActionFeedback notice={notice} />
      {mode === 'note' ? (
        <NoteForm record={record} onDone={setNotice} />
      ) : (
        <TaskForm record={record} me={me} onDone={setNotice} />
      )}
    </section>
  )
}

function NoteForm({ record, onDone }: { record: RecordRef; onDone: (m: string) => void }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [body, setBody] = useState('')
  const add = useMutation({
    mutationFn: () => timelineApi.addNote(record, body),
    onSuccess: async () => {
      setBody('')
      await queryClient.invalidateQueries({ queryKey: timelineKey(record) })
      onDone(t('timeline.note.added'))
    },
  })
  const errors = fieldErrorsOf(add.error)
  return (
    <Form
      className="space-y-2"
      onSubmit={() => {
        if (body.trim()) add.mutate()
      }}
    >
      <FormError message={add.error && !errors.body ? errorMessage(add.error, t) : null} />
      <Textarea
        label={t('timeline.note.body')}
        hideLabel
        name="note"
        rows={3}
        maxLength={20000}
        hint={t('timeline.note.hint')}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && body.trim()) {
            e.preventDefault()
            add.mutate()
          }
        }}
        error={errors.body}
      />
      <Button type="submit" loading={add.isPending} disabled={!body.trim()}>
        {t('timeline.note.add')}
      </Button>
    </Form>
  )
}

function Marker({ tone }: { tone: 'note' | 'task' | 'activity' }) {
  return (
    <span
      aria-hidden="true"
      className={cn(
        'absolute top-1 -left-[1.625rem] size-3 rounded-full border-2 border-white dark:border-slate-900',
        tone === 'note' && 'bg-amber-600 dark:bg-amber-300',
        tone === 'task' && 'bg-emerald-700 dark:bg-emerald-300',
        tone === 'activity' && 'bg-indigo-700 dark:bg-indigo-300',
      )}
    />
  )
}

function When({ at, extra }: { at: string; extra?: string }) {
  const formatDateTime = useFormatDateTime()
  return (
    <p className="text-xs text-slate-600 dark:text-slate-300">
      <time dateTime={at}>{formatDateTime(at)}</time>
      {extra ? ` · ${extra}` : null}
    </p>
  )
}

function Entry({
  entry,
  people,
  fields,
  record,
}: {
  entry: TimelineEntry
  people: Record<string, string>
  fields: FieldDescriber
  record: RecordRef
}) {
  const { t } = useTranslation()
  if (entry.kind === 'note') return <NoteEntry note={entry.note} record={record} />
  if (entry.kind === 'task')
    return (
      <li className="relative">
        <Marker tone="task" />
        <p className="text-sm">
          {t('timeline.task.created', {
            name: entry.task.createdBy?.name ?? t('timeline.activity.someone'),
            title: entry.task.title,
          })}
        </p>
        <When at={entry.at} />
      </li>
    )
  const sentences = activitySentences(entry.activity, people, fields, t)
  return (
    <li className="relative">
      <Marker tone="activity" />
      {sentences.map((s) => (
        <p key={s} className="text-sm break-words">
          {s}
        </p>
      ))}
      <When at={entry.at} />
    </li>
  )
}

function NoteEntry({ note, record }: { note: Note; record: RecordRef }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(note.body)
  const [confirm, setConfirm] = useState(false)
  const refresh = () => queryClient.invalidateQueries({ queryKey: timelineKey(record) })
  const save = useMutation({
    mutationFn: () => timelineApi.editNote(note.id, draft),
    onSuccess: async () => {
      setEditing(false)
      await refresh()
    },
  })
  const remove = useMutation({ mutationFn: () => timelineApi.deleteNote(note.id), onSuccess: refresh })
  const author = note.author?.name ?? t('timeline.activity.someone')
  return (
    <li className="relative">
      <Marker tone="note" />
      <div className="rounded-md border border-amber-200 bg-amber-50/60 p-3 dark:border-amber-900 dark:bg-amber-950/30">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div>
            <p className="text-sm font-medium">{t('timeline.note.wrote', { name: author })}</p>
            <When at={note.createdAt} extra={note.editedAt ? t('timeline.note.edited') : undefined} />
          </div>
          {note.canEdit && !editing ? (
            <div className="flex gap-1">
              <Button
                variant="ghost"
                aria-label={t('timeline.note.editNamed', { name: author })}
                onClick={() => {
                  setDraft(note.body)
                  setEditing(true)
                }}
              >
                {t('timeline.note.edit')}
              </Button>
              <Button
                variant="ghost"
                aria-label={t('timeline.note.deleteNamed', { name: author })}
                onClick={() => setConfirm(true)}
              >
                {t('timeline.note.delete')}
              </Button>
            </div>
          ) : null}
        </div>
        {editing ? (
          <Form className="mt-2 space-y-2" onSubmit={() => save.mutate()}>
            <FormError message={save.error ? errorMessage(save.error, t) : null} />
            <Textarea
              label={t('timeline.note.body')}
              hideLabel
              rows={4}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setEditing(false)
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault()
                  save.mutate()
                }
              }}
            />
            <div className="flex gap-2">
              <Button type="submit" loading={save.isPending} disabled={!draft.trim()}>
                {t('timeline.note.save')}
              </Button>
              <Button variant="ghost" onClick={() => setEditing(false)}>
                {t('common.cancel')}
              </Button>
            </div>
          </Form>
        ) : (
          <div className="mt-2">
            <MarkdownView source={note.body} />
          </div>
        )}
      </div>
      <ConfirmDialog
        open={confirm}
        title={t('timeline.note.deleteTitle')}
        description={t('timeline.note.deleteBody')}
        confirmLabel={t('timeline.note.delete')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => remove.mutate(undefined, { onSuccess: () => setConfirm(false) })}
        onClose={() => setConfirm(false)}
      />
    </li>
  )
}
