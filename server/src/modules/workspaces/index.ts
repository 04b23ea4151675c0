// The workspaces module's public face: what the composition root and other modules may use.

/** Sends the invitation email after an invitation commits. */
export { registerWorkspaceEvents } from './events.ts'
/** Workspace, member and invitation routes under /api/v1. */
export { registerWorkspaceRoutes } from './routes.ts'
/** Creates a workspace owned by a user, with its audit entries, inside the caller's transaction. */
export { createOwnedWorkspace } from './workspaces.service.ts'
