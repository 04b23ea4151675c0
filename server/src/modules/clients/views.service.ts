import type { z } from 'zod'
import type { ViewDisplaySchema } from '../../../../contracts/clients.ts'
import { savedViewsOf } from '../../kernel/search/views.ts'

/** Saved client views: the kernel's saved views of the record type `client`. */
const views = savedViewsOf<z.output<typeof ViewDisplaySchema>>({
  recordType: 'client',
  readPermission: 'clients:read',
  auditTarget: 'client_view',
})

export const listViews = views.list
export const createView = views.create
export const deleteView = views.remove
