/**
 * The clients module's public face. Other modules reach clients only through these (and through the
 * events listed in events.ts), never through its tables.
 */
export { seedDemoClients } from './demo.ts'
export { clientEvents, registerClientJobs } from './events.ts'
export { registerClientRoutes } from './routes.ts'
export { getVisibleClient } from './service.ts'
