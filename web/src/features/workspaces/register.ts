import { registerCommand } from '../../lib/registry/commands.ts'
import { registerSettingsPage } from '../../lib/registry/navigation.ts'
import { resetWorkspaceData, workspacesApi } from './api.ts'

registerSettingsPage({
  id: 'workspace',
  to: '/settings/workspace',
  labelKey: 'workspaceSettings.title',
  order: 10,
  goKey: 'w',
})
registerCommand({
  id: 'workspaces.switch',
  labelKey: 'workspaces.switchTo',
  order: 60,
  keywords: ['workspace', 'switch'],
  run: () => undefined,
  items: ({ me, t, queryClient }) =>
    me.workspaces
      .filter((workspace) => workspace.id !== me.activeWorkspace?.id)
      .map((workspace) => ({
        id: workspace.id,
        label: t('workspaces.switchTo', { name: workspace.name }),
        run: async () => resetWorkspaceData(queryClient, await workspacesApi.switchTo(workspace.id)),
      })),
})
registerCommand({
  id: 'workspaces.create',
  labelKey: 'shell.createWorkspace',
  order: 70,
  keywords: ['new', 'workspace'],
  quickAction: true,
  run: ({ navigate }) => navigate({ to: '/workspaces/new' }),
})
