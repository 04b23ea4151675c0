declare module '../../kernel/events/index.ts' {
  interface DomainEvents {
    'client.created': { clientId: string; name: string }
    /** `fields` names what changed, when one client changed through its own form. */
    'client.updated': { clientId: string; fields?: string[] }
    'client.archived': { clientId: string }
    'client.restored': { clientId: string }
    'client.deleted': { clientId: string; name: string }
    'contact.created': { clientId: string; contactId: string }
    'contact.updated': { clientId: string; contactId: string }
    'contact.deleted': { clientId: string; contactId: string }
  }
}

/** The domain events the clients module emits (payloads carry ids; subscribers read what they need). */
export const clientEvents = [
  'client.created',
  'client.updated',
  'client.archived',
  'client.restored',
  'client.deleted',
  'contact.created',
  'contact.updated',
  'contact.deleted',
] as const
