import { registerCommand } from '../../lib/registry/commands.ts'
import { authApi } from './api.ts'

registerCommand({
  id: 'auth.sign-out',
  labelKey: 'shell.signOut',
  order: 90,
  keywords: ['log out', 'logout', 'exit'],
  run: async ({ queryClient, navigate }) => {
    try {
      await authApi.signOut()
    } finally {
      queryClient.clear()
      await navigate({ to: '/sign-in' })
    }
  },
})
