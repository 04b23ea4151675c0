import { UAParser } from 'ua-parser-js'

/**
 * Actions the audit log records, for the filter's searchable list. A filter matches by prefix, so each
 * area (`client.`) is offered too. An action missing here can still be typed in.
 */
export const knownActions = [
  'auth.password_changed',
  'auth.password_reset',
  'auth.recovery_codes_regenerated',
  'auth.session_revoked',
  'auth.sessions_revoked',
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'auth.two_factor_disabled',
  'auth.two_factor_enabled',
  'client.archived',
  'client.contact_added',
  'client.contact_removed',
  'client.contact_updated',
  'client.created',
  'client.deleted',
  'client.restored',
  'client.updated',
  'client_import.started',
  'client_view.created',
  'client_view.deleted',
  'custom_field.created',
  'custom_field.deleted',
  'custom_field.updated',
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'member.added',
  'member.joined',
  'member.left',
  'member.removed',
  'member.role_changed',
  'note.created',
  'note.deleted',
  'note.updated',
  'task.completed',
  'task.created',
  'task.deleted',
  'task.updated',
  'user.deleted',
  'user.updated',
  'workspace.created',
  'workspace.ownership_transferred',
  'workspace.updated',
] as const

/** The areas (`client.`) and then every action, as options for the filter. */
export function actionOptions(anyLabel: (area: string) => string) {
  const areas = [...new Set(knownActions.map((a) => a.split('.')[0] as string))]
  return [
    ...areas.map((area) => ({ value: `${area}.`, label: `${area}.*`, hint: anyLabel(area) })),
    ...knownActions.map((a) => ({ value: a, label: a })),
  ]
}

/** "Chrome on macOS" from a user-agent string; the raw string when nothing can be read from it. */
export function describeUserAgent(userAgent: string | null): string | null {
  if (!userAgent) return null
  const ua = UAParser(userAgent)
  const parts = [ua.browser.name, ua.os.name].filter(Boolean)
  if (parts.length === 2) return `${parts[0]} on ${parts[1]}`
  return parts[0] ?? userAgent.slice(0, 40)
}
