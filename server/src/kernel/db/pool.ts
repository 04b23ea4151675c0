/**
 * The PostgreSQL pool's size and idle time, which the benchmarks' bare baselines use too, so that a
 * comparison keeps connections alike on both sides.
 *
 * Idle connections are kept for five minutes (pg's own default is ten seconds). Connections opened by
 * one burst of traffic otherwise all close together ten seconds later, and the next burst opens new
 * ones, each a new server process whose first statements plan and warm its caches again: a request that
 * meets either costs tens of milliseconds more. Steady traffic keeps its connections.
 */
export const POOL_SETTINGS = { max: 20, idleTimeoutMillis: 300_000 } as const
