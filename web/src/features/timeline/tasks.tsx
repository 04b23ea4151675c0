import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, cn, Form, FormError, Input } from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useFormatDate } from '../../lib/format.ts'
import { MemberPicker } from '../members/member-picker.tsx'
import { type RecordRef, recordTasksQuery, type Task, timelineApi, timelineKey } from './api.ts'

/** A date input's YYYY-MM-DD as 09:00 that day in the viewer's time zone. */
export function dueFromDate(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(y, m - 1, d, 9, 0, 0).toISOString()
}

export function TaskForm({
  record,
  me,
  onDone,
}: {
  record: RecordRef
  me: { id: string; name: string }
  onDone: (message: string) => void
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [title, setTitle] = useState('')
  const [day, setDay] = useState('')
  const [assignee, setAssignee] = useState<{ id: string; name: string } | null>(me)
  const add = useMutation({
    mutationFn: () =>
      timelineApi.addTask(record, { title, dueAt: dueFromDate(day), assigneeId: assignee?.id ?? null }),
    onSuccess: async () => {
      setTitle('')
      setDay('')
      await queryClient.invalidateQueries({ queryKey: timelineKey(record) })
      onDone(t('timeline.task.added'))
    },
  })
  const errors = fieldErrorsOf(add.error)
  return (
    <Form className="space-y-3" onSubmit={() => add.mutate()}>
      <FormError
        message={add.error && !errors.title && !errors.assigneeId ? errorMessage(add.error, t) : null}
      />
      <Input
        label={t('timeline.task.title')}
        name="title"
        required
        maxLength={300}
        placeholder={t('timeline.task.titlePlaceholder')}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        error={errors.title}
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <Input
          label={t('timeline.task.due')}
          name="due"
          type="date"
          value={day}
          onChange={(e) => setDay(e.target.value)}
          error={errors.dueAt}
        />
        <MemberPicker
          label={t('timeline.task.assignee')}
          value={assignee}
          onChange={setAssignee}
          noneLabel={t('timeline.task.unassigned')}
          error={errors.assigneeId}
        />
      </div>
      <Button type="submit" loading={add.isPending} disabled={!title.trim()}>
        {t('timeline.task.add')}
      </Button>
    </Form>
  )
}

/** "Due 15 Jan 2030", or "Overdue since …" in red once the time has passed. */
export function DueText({ dueAt }: { dueAt: string }) {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  const overdue = Date.parse(dueAt) < Date.now()
  return (
    <span className={cn(overdue && 'font-semibold text-red-700 dark:text-red-300')}>
      {overdue
        ? t('timeline.task.overdue', { date: formatDate(dueAt) })
        : t('timeline.task.dueOn', { date: formatDate(dueAt) })}
    </span>
  )
}

/** The record's open tasks with a checkbox each; done ones are counted. */
export function TaskList({ record, canWrite }: { record: RecordRef; canWrite: boolean }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const tasks = useQuery(recordTasksQuery(record))
  const key = recordTasksQuery(record).queryKey
  const toggle = useMutation({
    mutationFn: (task: Task) => timelineApi.updateTask(task.id, { done: !task.done }),
    // The box ticks at once; a refusal puts it back and shows why.
    onMutate: async (task) => {
      await queryClient.cancelQueries({ queryKey: key })
      const before = queryClient.getQueryData(key)
      queryClient.setQueryData(key, (old) =>
        old ? { data: old.data.map((x) => (x.id === task.id ? { ...x, done: !task.done } : x)) } : old,
      )
      return { before }
    },
    onError: (_error, _task, context) => queryClient.setQueryData(key, context?.before),
    onSettled: () => queryClient.invalidateQueries({ queryKey: timelineKey(record) }),
  })
  const open = (tasks.data ?? []).filter((x) => !x.done)
  const done = (tasks.data ?? []).length - open.length
  return (
    <section aria-labelledby="record-tasks-heading" className="space-y-2">
      <div className="flex items-baseline justify-between gap-2">
        <h3 id="record-tasks-heading" className="text-sm font-semibold">
          {t('timeline.task.tasks')}
        </h3>
        {done ? (
          <span className="text-xs text-slate-600 dark:text-slate-300">
            {t('timeline.task.doneCount', { count: done })}
          </span>
        ) : null}
      </div>
      <FormError message={toggle.error ? errorMessage(toggle.error, t) : null} />
      {open.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('timeline.task.noTasks')}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 dark:divide-slate-700 dark:border-slate-700">
          {open.map((task) => {
            return (
              <li key={task.id} className="flex items-start gap-3 px-3 py-2">
                <input
                  type="checkbox"
                  className="mt-1 size-4 shrink-0 accent-indigo-700 dark:accent-indigo-300"
                  aria-label={t('timeline.task.markDone', { title: task.title })}
                  checked={task.done}
                  disabled={!canWrite || toggle.isPending}
                  onChange={() => toggle.mutate(task)}
                />
                <div className="min-w-0 flex-1">
                  <p className="text-sm font-medium break-words">{task.title}</p>
                  <p className="text-xs text-slate-600 dark:text-slate-300">
                    {task.dueAt ? <DueText dueAt={task.dueAt} /> : null}
                    {task.dueAt && task.assignee ? ' · ' : null}
                    {task.assignee?.name ?? null}
                  </p>
                </div>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
