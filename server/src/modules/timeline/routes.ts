import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '../../../../contracts/common.ts'
import {
  CreateNoteSchema,
  CreateTaskSchema,
  NoteIdSchema,
  NoteSchema,
  RecordRefParamsSchema,
  TaskIdSchema,
  TaskListQuerySchema,
  TaskSchema,
  TimelinePageSchema,
  UpdateNoteSchema,
  UpdateTaskSchema,
} from '../../../../contracts/timeline.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import { paginationQuery } from '../../kernel/http/pagination.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { recordTimeline } from './feed.service.ts'
import * as notes from './notes.service.ts'
import * as tasks from './tasks.service.ts'

const errors = problemResponses(400, 401, 403, 404)
const noContent = { 204: z.null().describe('Done') }
const base = '/api/v1/timeline/:recordType/:recordId'

export function registerTimelineRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database' | 'events'>) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const deps = { events: kernel.events }
  const tags = ['Timeline']

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'A record’s timeline: notes, tasks and activity, newest first',
        description:
          'Members see the timeline of the records they may see; any other record answers 404. `people` names the members whose ids appear in activity changes.',
        params: RecordRefParamsSchema,
        querystring: z.object(paginationQuery),
        response: { 200: TimelinePageSchema, ...errors },
      },
    },
    async (req) => recordTimeline(workspaceContext(req, db), req.params, req.query),
  )

  app.post(
    `${base}/notes`,
    {
      schema: {
        tags,
        summary: 'Add a note (markdown) to a record',
        params: RecordRefParamsSchema,
        body: CreateNoteSchema,
        response: { 201: NoteSchema, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await notes.createNote(deps, workspaceContext(req, db), req.params, req.body)),
  )

  const noteParams = z.object({ id: NoteIdSchema })
  app.patch(
    '/api/v1/notes/:id',
    {
      schema: {
        tags,
        summary: 'Edit a note (its author, owners and admins)',
        params: noteParams,
        body: UpdateNoteSchema,
        response: { 200: NoteSchema, ...errors },
      },
    },
    async (req) => notes.updateNote(deps, workspaceContext(req, db), req.params.id, req.body),
  )

  app.delete(
    '/api/v1/notes/:id',
    {
      schema: {
        tags,
        summary: 'Delete a note (its author, owners and admins)',
        params: noteParams,
        response: { ...noContent, ...errors },
      },
    },
    async (req, reply) => {
      await notes.deleteNote(deps, workspaceContext(req, db), req.params.id)
      return reply.status(204).send(null)
    },
  )

  app.get(
    `${base}/tasks`,
    {
      schema: {
        tags,
        summary: 'A record’s tasks: open ones by due time, then done ones',
        params: RecordRefParamsSchema,
        response: { 200: z.object({ data: z.array(TaskSchema) }), ...errors },
      },
    },
    async (req) => tasks.recordTasks(workspaceContext(req, db), req.params),
  )

  app.post(
    `${base}/tasks`,
    {
      schema: {
        tags,
        summary: 'Add a task to a record',
        description:
          'The assignee must be a member who may see the record; they get an email when it falls due.',
        params: RecordRefParamsSchema,
        body: CreateTaskSchema,
        response: { 201: TaskSchema, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await tasks.createTask(deps, workspaceContext(req, db), req.params, req.body)),
  )

  app.get(
    '/api/v1/tasks',
    {
      schema: {
        tags,
        summary: 'Tasks assigned to a member across records, soonest due first ("my tasks due")',
        querystring: TaskListQuerySchema,
        response: {
          200: z.object({ data: z.array(TaskSchema), nextCursor: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (req) => tasks.listTasks(workspaceContext(req, db), req.query),
  )

  const taskParams = z.object({ id: TaskIdSchema })
  app.patch(
    '/api/v1/tasks/:id',
    {
      schema: {
        tags,
        summary: 'Change a task: title, due time, assignee, done',
        params: taskParams,
        body: UpdateTaskSchema,
        response: { 200: TaskSchema, ...errors },
      },
    },
    async (req) => tasks.updateTask(deps, workspaceContext(req, db), req.params.id, req.body),
  )

  app.delete(
    '/api/v1/tasks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a task (its creator, its assignee, owners and admins)',
        params: taskParams,
        response: { ...noContent, ...errors },
      },
    },
    async (req, reply) => {
      await tasks.deleteTask(deps, workspaceContext(req, db), req.params.id)
      return reply.status(204).send(null)
    },
  )
}
