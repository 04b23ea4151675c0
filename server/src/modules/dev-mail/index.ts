import { defineModule } from '../../kernel/module.ts'
import { registerDevMailRoutes } from './routes.ts'

/** The embedded inbox at /dev/mail, outside production when no SMTP server is configured. */
export default defineModule({
  name: 'dev-mail',
  routes: (app, kernel) => {
    if (kernel.config.devMail) registerDevMailRoutes(app, kernel)
  },
})
