import type { FastifyInstance } from 'fastify'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'

/** Prometheus metrics at /metrics: process defaults plus request counts and latency per route. */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const labels = ['method', 'route', 'status'] as const
  const requests = new Counter({
    name: 'atrium_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: labels,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'atrium_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: labels,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    const l = { method: req.method, route, status: String(reply.statusCode) }
    requests.inc(l)
    duration.observe(l, reply.elapsedTime / 1000)
  })
  app.get('/metrics', { schema: { hide: true }, config: { auth: 'public' } }, async (_req, reply) => {
    reply.header('content-type', registry.contentType)
    return registry.metrics()
  })
  return registry
}
