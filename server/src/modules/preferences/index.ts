import { defineModule } from '../../kernel/module.ts'
import { registerPreferenceRoutes } from './routes.ts'
import * as tables from './schema.ts'

/** Each member's own settings per workspace, starting with their dashboard layout. */
export default defineModule({
  name: 'preferences',
  tables,
  routes: registerPreferenceRoutes,
})
