import { z } from 'zod'
import { TimestampSchema } from './common.ts'

/** One dashboard widget in a member's layout: which one, and whether they hid it. */
export const DashboardWidgetSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'must be a widget id: lowercase letters, digits, dots and hyphens')
    .describe('The widget id, as registered by the web app (e.g. `clients.by-status`).'),
  hidden: z.boolean().describe('Hidden widgets stay out of the dashboard until the member shows them again.'),
})

/** A member's dashboard layout in one workspace: widgets in display order. */
export const DashboardLayoutInputSchema = z
  .object({
    widgets: z
      .array(DashboardWidgetSchema)
      .max(100)
      .refine((list) => new Set(list.map((w) => w.id)).size === list.length, 'must not list a widget twice')
      .describe(
        'Widgets in display order. Widgets the app offers but the list leaves out are shown after these, at their default place and visibility.',
      ),
  })
  .describe('A dashboard layout to save.')

export const DashboardLayoutSchema = z
  .object({
    widgets: z.array(DashboardWidgetSchema).describe('Widgets in display order; empty when never saved.'),
    updatedAt: TimestampSchema.nullable().describe(
      'When the member last saved it; null for the default layout.',
    ),
  })
  .meta({ id: 'DashboardLayout' })

export type DashboardLayout = z.output<typeof DashboardLayoutSchema>
export type DashboardWidgetPlacement = z.output<typeof DashboardWidgetSchema>
