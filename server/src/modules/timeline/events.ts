import type { Events } from '../../kernel/events/index.ts'

type Ref = { recordType: string; recordId: string }

declare module '../../kernel/events/index.ts' {
  interface DomainEvents {
    'note.created': { noteId: string } & Ref
    'note.updated': { noteId: string } & Ref
    'note.deleted': { noteId: string } & Ref
    'task.created': { taskId: string } & Ref
    'task.updated': { taskId: string } & Ref
    'task.completed': { taskId: string } & Ref
    'task.deleted': { taskId: string } & Ref
  }
}

/** The kernel services the timeline's writes use. */
export type TimelineDeps = { events: Pick<Events, 'emit'> }
