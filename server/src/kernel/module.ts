import type { FastifyInstance } from 'fastify'
import type { PermissionDefaults } from '../../../contracts/permissions.ts'
import { installPermissions } from './access/index.ts'
import { idPrefixRegistry } from './db/ids.ts'
import { type EntitlementsProvider, entitlements, type MeterDefinition } from './entitlements/index.ts'
import type { Subscription } from './events/index.ts'
import type { ServiceContext } from './http/context.ts'
import type { Kernel } from './kernel.ts'

/** Which attempt of a job this is: the handler of the last one (`retryCount >= retryLimit`) may give up. */
export type JobRun = { id: string; retryCount: number; retryLimit: number }

/** A background job a module runs: its queue name and an idempotent handler. */
export type JobDefinition = {
  queue: string
  handle: (data: never, kernel: Kernel, run: JobRun) => Promise<void>
  retryLimit?: number
  /** Runs it on this cron schedule (pg-boss `schedule`, once across every process). */
  cron?: string
}

/** A typed job for a module definition's `jobs` list. */
export function job<T>(
  queue: string,
  handle: (data: T, kernel: Kernel, run: JobRun) => Promise<void>,
  opts: { retryLimit?: number; cron?: string } = {},
): JobDefinition {
  return { queue, handle: handle as JobDefinition['handle'], ...opts }
}

/**
 * Everything a module brings, exported as the default of its `index.ts`. The app builds itself from
 * the list of these (`server/src/modules/index.ts`); the kernel never imports a module.
 */
export type ModuleDefinition = {
  /** Unique, lowercase: it names the module in errors and logs. */
  name: string
  /** Its Drizzle tables (`import * as tables from './schema.ts'`); drizzle-kit collects `schema.ts` files. */
  tables?: Readonly<Record<string, unknown>>
  /** Its permissions with the roles that hold them by default (declared in its contract). */
  permissions?: PermissionDefaults
  /** The id prefixes it mints, with what each names (`{ cli: 'client' }`). */
  ids?: Readonly<Record<string, string>>
  /** Registers its HTTP routes. */
  routes?: (app: FastifyInstance, kernel: Kernel) => void | Promise<void>
  /** Its background jobs. */
  jobs?: readonly JobDefinition[]
  /** Its subscribers to domain events (`subscribe(type, name, handler)`). */
  events?: readonly Subscription<Kernel>[]
  /** Adds its demo data to the demo workspace, acting as that workspace's owner. */
  seed?: (ctx: ServiceContext) => Promise<void>
  /** What it meters against plan limits (`{ key: 'clients', label, count(tx, workspaceId) }`). */
  meters?: readonly MeterDefinition[]
  /** Decides every workspace's limits (the billing module); at most one module provides it. */
  entitlements?: EntitlementsProvider
}

/** Identity for the type checker: `export default defineModule({ … })`. */
export function defineModule<const M extends ModuleDefinition>(definition: M): M {
  return definition
}

/**
 * Checks a list of modules and installs what they declare once per process: the role table and the
 * id prefix registry. Two modules with one name, one permission or one id prefix stop the start.
 */
export function assembleModules(modules: readonly ModuleDefinition[]) {
  const names = new Set<string>()
  for (const m of modules) {
    if (names.has(m.name)) throw new Error(`two modules are named ${m.name}`)
    names.add(m.name)
  }
  const idPrefixes = idPrefixRegistry(modules.map((m) => ({ module: m.name, prefixes: m.ids ?? {} })))
  installPermissions(modules.map((m) => ({ module: m.name, permissions: m.permissions ?? {} })))
  const providers = modules.filter((m) => m.entitlements)
  if (providers.length > 1)
    throw new Error(`entitlements are provided by both ${providers[0]?.name} and ${providers[1]?.name}`)
  entitlements.install(
    modules.flatMap((m) => (m.meters ?? []).map((meter) => ({ module: m.name, meter }))),
    providers[0]?.entitlements ?? null,
  )
  return { modules, idPrefixes }
}

/** Registers every module's jobs and event subscribers with the kernel's queue. */
export function registerModuleWork(kernel: Kernel): void {
  for (const m of kernel.modules) {
    for (const j of m.jobs ?? [])
      kernel.jobs.register(
        j.queue,
        (data, meta) =>
          j.handle(data as never, kernel, {
            id: meta.id,
            retryCount: meta.retryCount,
            retryLimit: meta.retryLimit,
          }),
        {
          retryLimit: j.retryLimit,
          cron: j.cron,
        },
      )
    for (const s of m.events ?? [])
      kernel.events.on(
        s.event,
        s.name,
        (e) => (s.handle as (e: unknown, k: Kernel) => Promise<void>)(e, kernel),
        s.handleMany && ((es) => (s.handleMany as (es: unknown[], k: Kernel) => Promise<void>)(es, kernel)),
        s.when as ((payload: unknown) => boolean) | undefined,
      )
  }
}
