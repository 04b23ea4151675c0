import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import type { z } from 'zod'
import type {
  CreateTaskSchema,
  Note,
  Task,
  TimelineEntry,
  TimelinePage,
  UpdateTaskSchema,
} from '../../../../contracts/timeline.ts'
import { api, queryString } from '../../lib/api.ts'

export type { Note, Task, TimelineEntry, TimelinePage }
export type CreateTask = z.input<typeof CreateTaskSchema>
export type UpdateTask = z.input<typeof UpdateTaskSchema>
export type RecordRef = { recordType: string; recordId: string }

const id = (value: string) => encodeURIComponent(value)
const base = (r: RecordRef) => `/api/v1/timeline/${id(r.recordType)}/${id(r.recordId)}`

/** Every timeline query of a record starts with this key, so one invalidation refreshes them all. */
export const timelineKey = (r: RecordRef) => ['timeline', r.recordType, r.recordId] as const

export const timelineQuery = (r: RecordRef) =>
  infiniteQueryOptions({
    queryKey: [...timelineKey(r), 'feed'],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<TimelinePage>(`${base(r)}${queryString({ limit: 30, cursor: pageParam })}`, signal),
    getNextPageParam: (page) => page.nextCursor,
  })

export const recordTasksQuery = (r: RecordRef) =>
  queryOptions({
    queryKey: [...timelineKey(r), 'tasks'],
    queryFn: ({ signal }) => api.get<{ data: Task[] }>(`${base(r)}/tasks`, signal),
    select: (result) => result.data,
  })

export const myTasksQuery = (opts: { dueBefore?: string; limit?: number } = {}) =>
  queryOptions({
    queryKey: ['tasks', 'mine', opts],
    queryFn: ({ signal }) =>
      api.get<{ data: Task[]; nextCursor: string | null }>(
        `/api/v1/tasks${queryString({ assignee: 'me', status: 'open', limit: opts.limit ?? 20, dueBefore: opts.dueBefore })}`,
        signal,
      ),
    select: (result) => result.data,
  })

export const timelineApi = {
  addNote: (r: RecordRef, body: string) => api.post<Note>(`${base(r)}/notes`, { body }),
  editNote: (noteId: string, body: string) => api.patch<Note>(`/api/v1/notes/${id(noteId)}`, { body }),
  deleteNote: (noteId: string) => api.delete(`/api/v1/notes/${id(noteId)}`),
  addTask: (r: RecordRef, input: CreateTask) => api.post<Task>(`${base(r)}/tasks`, input),
  updateTask: (taskId: string, input: UpdateTask) => api.patch<Task>(`/api/v1/tasks/${id(taskId)}`, input),
  deleteTask: (taskId: string) => api.delete(`/api/v1/tasks/${id(taskId)}`),
}
