/**
 * How long a pooled PostgreSQL connection may stay idle before it is closed: five minutes (pg's own
 * default is ten seconds). Connections opened by one burst of traffic otherwise all close together ten
 * seconds later, and the next burst opens new ones, each a new server process whose first statements
 * plan and warm its caches again: a request that meets either costs tens of milliseconds more. Steady
 * traffic keeps its connections. The benchmarks' bare baselines use the same value.
 */
export const POOL_IDLE_MS = 300_000
