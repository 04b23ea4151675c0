import type { NotificationChannel } from '../../../../contracts/notifications.ts'

/**
 * Every notification type and its payload. The notifications module declares none: a module adds the
 * types it sends through declaration merging on `modules/notifications/index.ts`, so `notify` checks a
 * payload against its type:
 *
 *   declare module '../notifications/index.ts' {
 *     interface NotificationTypes { 'invoice.paid': { documentId: string; number: string | null } }
 *   }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the modules (declaration merging)
export interface NotificationTypes {}
export type NotificationType = Extract<keyof NotificationTypes, string>

export type ChannelSwitches = Record<NotificationChannel, boolean>

/** What a module declares for one notification type. */
export type NotificationTypeDefinition<P> = {
  type: string
  /** The module that sends it (shown on the preferences page, names it in errors). */
  module: string
  /** What the type is about, for the preferences page: "Someone mentions you". */
  label: string
  /** Title and one-line summary, rendered from the stored payload when read or sent. */
  render(payload: P): { title: string; summary: string }
  /** Where the source is in the app (a path starting with `/`), or null. */
  link(payload: P): string | null
  /** The channels that are on until the member changes them. */
  defaults: ChannelSwitches
  /** Email only when the member has not been active for a while (mentions, direct messages). */
  emailWhenOffline?: boolean
}

const types = new Map<string, NotificationTypeDefinition<unknown>>()
const TYPE_NAME = /^[a-z][a-z0-9_.]{0,63}$/

/** Registers a notification type once per process; a type registered twice stops the start. */
export function registerNotificationType<K extends NotificationType>(
  def: NotificationTypeDefinition<NotificationTypes[K]> & { type: K },
): void {
  if (!TYPE_NAME.test(def.type))
    throw new Error(`notification type ${def.type}: lowercase letters, digits, . and _`)
  const existing = types.get(def.type)
  if (existing && existing !== (def as unknown)) {
    if (existing.module === def.module && existing.label === def.label) return
    throw new Error(`notification type ${def.type} is registered by ${existing.module} and ${def.module}`)
  }
  types.set(def.type, def as NotificationTypeDefinition<unknown>)
}

export function notificationType(type: string): NotificationTypeDefinition<unknown> | undefined {
  return types.get(type)
}

/** Every registered type, in registration order. */
export function notificationTypes(): NotificationTypeDefinition<unknown>[] {
  return [...types.values()]
}

/** The channels a member has on for a type: their own choice where they made one, else the default. */
export function channelsFor(
  def: Pick<NotificationTypeDefinition<unknown>, 'defaults'>,
  overrides: Partial<ChannelSwitches> | undefined,
): ChannelSwitches {
  return { ...def.defaults, ...(overrides ?? {}) }
}

/** Renders a stored notification; a type no module registers any more shows as generic. */
export function renderNotification(type: string, payload: unknown): { title: string; summary: string } {
  const def = types.get(type)
  if (!def) return { title: 'Notification', summary: '' }
  try {
    return def.render(payload)
  } catch {
    return { title: def.label, summary: '' }
  }
}
