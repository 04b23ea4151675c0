import { defineModule } from '../../kernel/module.ts'
import { registerAccountRoutes } from './routes.ts'
import * as tables from './schema.ts'

/**
 * The signed-in user's own things across workspaces: who they are and where they belong, their
 * sessions, profile (time zone, language) and the deletion of their account.
 */
export default defineModule({
  name: 'account',
  tables,
  routes: registerAccountRoutes,
})
