// Loads every feature's `register.ts`, which adds its navigation entries, settings pages, commands,
// shortcuts, searchers and dashboard widgets to the registries in `lib/registry/`. Imported once by
// main.tsx, before the router renders, so the shell hard-codes no feature.
import.meta.glob('../*/register.{ts,tsx}', { eager: true })
